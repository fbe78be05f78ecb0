"""Elasticsearch stopped in the middle of a test: the pages go on answering from the database engine."""

import pytest

from search import engines
from search.engines.elasticsearch import ElasticsearchEngine
from tests.factories import FairFactory, SalesPointFactory, certified_product
from tests.integration.search.conftest import OsmemNode
from tests.integration.search.shelf import hold

pytestmark = pytest.mark.django_db

NOTICE = "Search is answering in a simpler mode for a moment"


@pytest.fixture
def elasticsearch_to_stop(osmem_server, index_prefix, monkeypatch):
    """The site's Elasticsearch: an osmem clone of this test's, which the test stops with ``.close()``."""
    clone = osmem_server.clone()
    monkeypatch.setattr(
        engines, "elasticsearch_engine", lambda: ElasticsearchEngine(clone.url, node_class=OsmemNode, timeout=2)
    )
    yield clone
    clone.close()


def test_search_answers_from_the_database_when_elasticsearch_stops(elasticsearch_to_stop, english):
    certified_product(4, title="Mật ong rừng Vũ Quang")  # indexed in both engines as it is saved
    certified_product(4, title="Cam bù Hương Sơn")

    before = english.get("/search/", {"q": "mat ong"})
    assert [product.title for product in before.context["products"]] == ["Mật ong rừng Vũ Quang"]
    assert before.context["search_results"].engine == "elasticsearch"
    assert not before.context["search_results"].fell_back
    elasticsearch_to_stop.close()

    after = english.get("/search/", {"q": "mat ong"})
    assert after.status_code == 200
    assert [product.title for product in after.context["products"]] == ["Mật ong rừng Vũ Quang"]
    assert after.context["search_results"].fell_back
    assert NOTICE in after.content.decode()
    suggestions = english.get("/search/suggest/", {"q": "cam b"}).json()["suggestions"]
    assert suggestions[0]["text"] == "Cam bù Hương Sơn"


def test_place_tabs_answer_from_the_database_when_elasticsearch_stops(elasticsearch_to_stop, english):
    # Indexed in both engines as they are saved.
    market = SalesPointFactory(partner__name="Điểm bán OCOP Chợ Đồng Lộc")
    hold(market, certified_product(4, title="Nước mắm Cửa Hội"), num_in_stock=4)
    fair = FairFactory(name="Hội chợ Nước mắm Nghệ Tĩnh")

    before = english.get("/search/sales-points/", {"q": "nuoc mam"})
    assert before.context["places"] == [market]
    assert before.context["search_results"].engine == "elasticsearch"
    assert not before.context["search_results"].fell_back
    elasticsearch_to_stop.close()

    after = english.get("/search/sales-points/", {"q": "nuoc mam"})
    assert after.status_code == 200
    assert after.context["places"] == [market]
    assert after.context["search_results"].fell_back
    assert NOTICE in after.content.decode()
    fairs = english.get("/search/fairs/", {"q": "nuoc mam"})
    assert fairs.status_code == 200 and fairs.context["places"] == [fair]
    assert [tab.count for tab in fairs.context["tabs"]] == [1, 1, 1]
    products = english.get("/search/", {"q": "nuoc mam"})
    assert [tab.count for tab in products.context["tabs"]] == [1, 1, 1]
