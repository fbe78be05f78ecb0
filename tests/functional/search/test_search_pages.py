"""The search, catalogue and category pages on the search engine: facets with counts, sorting,
where to see a product in person, what to do when nothing matched, suggestions as one types."""

from datetime import timedelta
from decimal import Decimal

import pytest

from catalog.groups import ProductGroup
from catalog.models import today
from search.engines.base import PlaceResults, ProductResults
from tests.factories import (
    THANH_HOA,
    THANH_HOA_WARD,
    BoothFactory,
    CertificateFactory,
    FairFactory,
    ProducerFactory,
    ProductFactory,
    SalesPointFactory,
)
from tests.functional.storefront.helpers import html, visible_text

pytestmark = pytest.mark.django_db


def product(title, *, stars=4, group=ProductGroup.FOOD, subgroup="processed_food", price=150_000, producer=None):
    item = ProductFactory(title=title, producer=producer or ProducerFactory(), stock=(Decimal(price), 20))
    CertificateFactory(product=item, stars=stars, group=group, subgroup=subgroup)
    item.refresh_from_db()
    return item


@pytest.fixture
def shelf():
    thanh_hoa = ProducerFactory(name="HTX Nước mắm Ba Làng", province_code=THANH_HOA, ward_code=THANH_HOA_WARD)
    return {
        "honey": product("Mật ong rừng Vũ Quang", stars=4, price=185_000),
        "fish_sauce": product("Nước mắm Ba Làng", stars=3, price=95_000, producer=thanh_hoa),
        "tea": product("Chè búp Hương Sơn", stars=5, group=ProductGroup.BEVERAGES, subgroup="tea", price=320_000),
    }


def titles(response):
    return [item.title for item in response.context["products"]]


def test_search_folds_diacritics_and_shows_facets_with_counts(english, shelf):
    response = english.get("/search/", {"q": "nuoc mam"})
    assert titles(response) == ["Nước mắm Ba Làng"]
    page = html(response)
    assert 'name="stars" value="3"' in page and '3 stars <span class="ocop-facet-count text-muted">(1)</span>' in page
    assert 'name="province" value="38"' in page


def test_facets_combine_and_keep_counts_of_other_values(english, shelf):
    response = english.get("/catalogue/", {"stars": [4, 5]})
    assert sorted(titles(response)) == ["Chè búp Hương Sơn", "Mật ong rừng Vũ Quang"]
    facets = {facet.name: facet for facet in response.context["facets"]}
    stars = {choice.value: (choice.count, choice.selected) for choice in facets["stars"].values}
    assert stars == {3: (1, False), 4: (1, True), 5: (1, True)}  # the stars facet ignores its own choice
    groups = {choice.value: choice.count for choice in facets["group"].values}
    assert groups == {"food": 1, "beverages": 1}  # the other facets count within 4 and 5 stars

    narrowed = english.get("/catalogue/", {"stars": [4, 5], "group": "beverages"})
    assert titles(narrowed) == ["Chè búp Hương Sơn"]


def test_sorting_by_price(client, shelf):
    cheapest_first = titles(client.get("/catalogue/", {"sort_by": "price_asc"}))
    assert cheapest_first == ["Nước mắm Ba Làng", "Mật ong rừng Vũ Quang", "Chè búp Hương Sơn"]
    assert titles(client.get("/catalogue/", {"sort_by": "price_desc"})) == cheapest_first[::-1]


def test_cards_say_where_to_see_the_product_in_person(english, shelf):
    honey = shelf["honey"]
    for _ in range(3):
        sales_point = SalesPointFactory()
        sales_point.partner.stockrecords.create(
            product=honey, partner_sku=f"SP-{sales_point.pk}", price=185_000, num_in_stock=4
        )
    fair = FairFactory(name="Lễ hội Cam 2026", starts_on=today() + timedelta(days=5))
    BoothFactory(fair=fair, producer=honey.producer, number="B12")

    response = english.get("/catalogue/", {"at_sales_point": "on"})
    assert titles(response) == ["Mật ong rừng Vũ Quang"]
    text = visible_text(response)
    assert "Sold at 3 sales points" in text
    assert "Booth B12 — Lễ hội Cam 2026" in text
    assert f'href="{honey.get_absolute_url()}#where_to_see"' in html(response)
    assert f'href="{fair.get_absolute_url()}"' in html(response)
    assert titles(english.get("/catalogue/", {"at_fair": "on"})) == ["Mật ong rừng Vũ Quang"]


def test_nothing_matched_offers_the_closest_query_and_filters_to_remove(english, shelf):
    response = english.get("/search/", {"q": "mat ongg", "stars": 5})
    assert titles(response) == []
    text = visible_text(response)
    assert "Remove a filter to see more products:" in text
    assert "Stars: 5 stars ✕" in text
    assert 'href="/search/?q=mat+ongg"' in html(response)

    typo = english.get("/search/", {"q": "mat onggg"})  # two letters wrong: more than a typo
    assert titles(typo) == []
    assert typo.context["search_results"].suggestion == "mat ong"
    assert "Did you mean:" in visible_text(typo)
    assert '<a href="/search/?q=mat%20ong">mat ong</a>?' in html(typo)


def test_a_page_past_the_last_goes_back_to_the_first_with_a_message(client, shelf):
    response = client.get("/catalogue/", {"page": 9, "stars": 4})
    assert response.status_code == 302 and response["Location"] == "/catalogue/?stars=4"


def test_the_fallback_notice(english, shelf, monkeypatch):
    from search import listing

    class Fallen:
        def search_products(self, query):
            return ProductResults(
                product_ids=(shelf["honey"].pk,), total=1, facets={}, engine="database", fell_back=True
            )

        def search_places(self, query):  # the counts of the place tabs
            return PlaceResults(query.kind, (), 0, {"sales_point": 0, "fair": 0}, engine="database", fell_back=True)

    monkeypatch.setattr(listing, "search_engine", Fallen)
    response = english.get("/search/", {"q": "mật ong"})
    assert titles(response) == ["Mật ong rừng Vũ Quang"]
    assert "Search is answering in a simpler mode for a moment" in visible_text(response)


def test_suggestions_as_one_types(english, shelf):
    response = english.get("/search/suggest/", {"q": "mat o"})
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert suggestions[0] == {
        "kind": "product",
        "kind_label": "Product",
        "text": "Mật ong rừng Vũ Quang",
        "url": shelf["honey"].get_absolute_url(),
    }
    assert english.get("/search/suggest/", {"q": "m"}).json()["suggestions"] == []
    provinces = english.get("/search/suggest/", {"q": "thanh ho"}).json()["suggestions"]
    assert {
        "kind": "province",
        "kind_label": "Province",
        "text": "Thanh Hóa",
        "url": f"/catalogue/?province={THANH_HOA}",
    } in provinces


def test_the_search_box_asks_for_suggestions(client):
    page = html(client.get("/catalogue/"))
    assert 'data-suggest-url="/search/suggest/"' in page and "js/ocop-search.js" in page
