"""Elasticsearch stopped in the middle of a test: the pages go on answering from the database engine."""

import pytest

from search import engines
from search.engines.elasticsearch import ElasticsearchEngine
from tests.factories import certified_product
from tests.integration.search.conftest import OsmemNode

pytestmark = pytest.mark.django_db


def test_search_answers_from_the_database_when_elasticsearch_stops(osmem_server, english, index_prefix, monkeypatch):
    clone = osmem_server.clone()
    try:
        monkeypatch.setattr(
            engines, "elasticsearch_engine", lambda: ElasticsearchEngine(clone.url, node_class=OsmemNode, timeout=2)
        )
        certified_product(4, title="Mật ong rừng Vũ Quang")  # indexed in both engines as it is saved
        certified_product(4, title="Cam bù Hương Sơn")

        before = english.get("/search/", {"q": "mat ong"})
        assert [product.title for product in before.context["products"]] == ["Mật ong rừng Vũ Quang"]
        assert before.context["search_results"].engine == "elasticsearch"
        assert not before.context["search_results"].fell_back
    finally:
        clone.close()

    after = english.get("/search/", {"q": "mat ong"})
    assert after.status_code == 200
    assert [product.title for product in after.context["products"]] == ["Mật ong rừng Vũ Quang"]
    assert after.context["search_results"].fell_back
    assert "Search is answering in a simpler mode for a moment" in after.content.decode()
    suggestions = english.get("/search/suggest/", {"q": "cam b"}).json()["suggestions"]
    assert suggestions[0]["text"] == "Cam bù Hương Sơn"
