"""What the Elasticsearch engine does its own way, against a real server (osmem-server, or the
Elasticsearch of ELASTICSEARCH_URL): its indices and alias, its client. What both engines do is in
test_product_contract.py."""

import pytest

from search.engines.base import ProductQuery
from tests.integration.search.shelf import product

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(es_engine, catalogue):
    assert es_engine.rebuild() == len(catalogue)
    return catalogue


def ids(*items):
    return tuple(item.pk for item in items)


def found(engine, text="", **fields):
    return set(engine.search_products(ProductQuery(text=text, **fields)).product_ids)


def test_update_products_creates_the_index_on_first_use(es_engine, catalogue):
    es_engine.update_products([catalogue["che"].pk])
    assert found(es_engine, "che") == {catalogue["che"].pk}
    assert list(es_engine.client.indices.get_alias(name=es_engine.alias)) == es_engine._indices_of_alias()


def test_update_products_reaches_an_index_being_rebuilt(es_engine, indexed):
    (current,) = es_engine._indices_of_alias()
    being_built = es_engine._create_index()  # as a rebuild creates it, not yet behind the alias
    new = product("Cam Vũ Quang")
    hidden = indexed["che"]
    hidden.is_public = False
    hidden.save()
    es_engine.update_products([new.pk, hidden.pk])
    for index in (current, being_built):
        assert es_engine.client.exists(index=index, id=new.pk)
        assert not es_engine.client.exists(index=index, id=hidden.pk)
    assert es_engine._indices_of_alias() == [current]


def test_rebuild_swaps_the_alias_and_deletes_the_old_index(es_engine, indexed):
    (old_index,) = es_engine._indices_of_alias()
    left_behind = es_engine._create_index()  # by a rebuild that failed midway
    seen = []
    assert es_engine.rebuild(progress=lambda done, total: seen.append((done, total))) == 6
    (new_index,) = es_engine._indices_of_alias()
    assert new_index != old_index
    assert new_index.startswith(f"{es_engine.alias}-")
    assert es_engine._indices_of_prefix() == [new_index]
    assert not es_engine.client.indices.exists(index=old_index)
    assert not es_engine.client.indices.exists(index=left_behind)
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    assert found(es_engine, "nuoc mam") == {indexed["nuoc_mam"].pk, indexed["dau_phu"].pk}


def test_the_engine_of_the_settings(settings, elasticsearch_target, index_prefix, catalogue):
    from search.engines.elasticsearch import ElasticsearchEngine

    url, node_class = elasticsearch_target
    settings.ELASTICSEARCH_URL = url
    engine = ElasticsearchEngine(node_class=node_class)
    assert engine.name == "elasticsearch"
    assert engine.alias == f"{index_prefix}-products"
    # Engines are built for each request; they share one client.
    assert ElasticsearchEngine(node_class=node_class).client is engine.client
    try:
        assert engine.rebuild() == 6
        assert set(engine.search_products(ProductQuery(text="mat ong")).product_ids) == set(
            ids(catalogue["mat_ong"], catalogue["mat_ong_hoa"])
        )
    finally:
        engine.client.indices.delete(index=",".join(engine._indices_of_alias()), ignore_unavailable=True)


def test_a_server_that_does_not_answer_times_out_quickly(settings):
    """A server that takes the connection and says nothing: the search gives up after
    ELASTICSEARCH_TIMEOUT, with the error search.engines falls back on."""
    import socket
    import time

    from elastic_transport import ConnectionTimeout

    from search.engines import unavailable_errors
    from search.engines.elasticsearch import ElasticsearchEngine

    settings.ELASTICSEARCH_TIMEOUT = 0.5
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        engine = ElasticsearchEngine(f"http://127.0.0.1:{silent.getsockname()[1]}")
        started = time.monotonic()
        with pytest.raises(ConnectionTimeout) as raised:
            engine.search_products(ProductQuery(text="mat ong"))
        assert time.monotonic() - started < 2
        assert isinstance(raised.value, unavailable_errors())
