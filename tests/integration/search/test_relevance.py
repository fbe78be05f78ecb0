"""The relevance check on the Elasticsearch engine (osmem-server, or the Elasticsearch of
ELASTICSEARCH_URL): the buyer queries of tests/search_relevance.py against the demo data."""

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Product
from tests.search_relevance import QUERIES, relevance

pytestmark = pytest.mark.django_db


def test_buyer_queries_find_their_product_in_the_first_three(es_engine, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo_data", stdout=StringIO())
    es_engine.rebuild()
    products = {product.title: product for product in Product.objects.for_sale().filter(parent__isnull=True)}
    assert all(expected in products for _text, expected in QUERIES)

    share, misses = relevance(es_engine, products)

    with capsys.disabled():
        print(
            f"\nrelevance, elasticsearch engine: {share:.0%} of {len(QUERIES)} queries have their product in the first three"
        )
    assert not misses, misses
