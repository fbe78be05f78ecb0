"""Elasticsearch stopped in the middle of a test: the place tabs go on answering from the database engine."""

from decimal import Decimal

import pytest

from search import engines
from search.engines.elasticsearch import ElasticsearchEngine
from shop.partner.models import StockRecord
from tests.factories import FairFactory, SalesPointFactory, certified_product
from tests.integration.search.conftest import OsmemNode

pytestmark = pytest.mark.django_db


def test_place_tabs_answer_from_the_database_when_elasticsearch_stops(osmem_server, english, index_prefix, monkeypatch):
    clone = osmem_server.clone()
    try:
        monkeypatch.setattr(
            engines, "elasticsearch_engine", lambda: ElasticsearchEngine(clone.url, node_class=OsmemNode, timeout=2)
        )
        # Indexed in both engines as they are saved.
        market = SalesPointFactory(partner__name="Điểm bán OCOP Chợ Đồng Lộc")
        StockRecord.objects.create(
            product=certified_product(4, title="Nước mắm Cửa Hội"),
            partner=market.partner,
            partner_sku="SP-1",
            price=Decimal(90_000),
            num_in_stock=4,
        )
        fair = FairFactory(name="Hội chợ Nước mắm Nghệ Tĩnh")

        before = english.get("/search/sales-points/", {"q": "nuoc mam"})
        assert before.context["places"] == [market]
        assert before.context["search_results"].engine == "elasticsearch"
        assert not before.context["search_results"].fell_back
    finally:
        clone.close()

    after = english.get("/search/sales-points/", {"q": "nuoc mam"})
    assert after.status_code == 200
    assert after.context["places"] == [market]
    assert after.context["search_results"].fell_back
    assert "Search is answering in a simpler mode for a moment" in after.content.decode()
    fairs = english.get("/search/fairs/", {"q": "nuoc mam"})
    assert fairs.status_code == 200 and fairs.context["places"] == [fair]
    assert [tab.count for tab in fairs.context["tabs"]] == [1, 1, 1]
    products = english.get("/search/", {"q": "nuoc mam"})
    assert [tab.count for tab in products.context["tabs"]] == [1, 1, 1]
