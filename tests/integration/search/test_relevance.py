"""The relevance check, on each engine: the buyer queries of tests/search_relevance.py against the
demo data, each with the product that must be in the first three."""

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Product
from tests.search_relevance import QUERIES, relevance

pytestmark = pytest.mark.django_db


def test_buyer_queries_find_their_product_in_the_first_three(engine, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo_data", stdout=StringIO())
    engine.rebuild()
    products = {product.title: product for product in Product.objects.for_sale().filter(parent__isnull=True)}
    assert all(expected in products for _text, expected in QUERIES)

    share, misses = relevance(engine, products)

    with capsys.disabled():
        print(
            f"\nrelevance, {engine.name} engine: {share:.0%} of {len(QUERIES)} queries have their product in the first three"
        )
    assert len(QUERIES) >= 30
    assert not misses, misses
