"""The search's result tabs: products, sales points and fairs for the same words (database engine)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import today
from shop.outlets.models import SalesPoint
from shop.partner.models import StockRecord
from tests.factories import BoothFactory, FairFactory, SalesPointFactory, certified_product
from tests.functional.storefront.helpers import html, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    """Fish sauce for sale at a market sales point, and at a booth of a fair to come; a fair over."""
    fish_sauce = certified_product(4, title="Nước mắm Cửa Hội")
    market = SalesPointFactory(partner__name="Điểm bán OCOP Chợ Đồng Lộc", partner__street_address="Số 5 Trần Phú")
    StockRecord.objects.create(
        product=fish_sauce, partner=market.partner, partner_sku="SP-1", price=Decimal(90_000), num_in_stock=4
    )
    fair = FairFactory(
        name="Hội chợ Nước mắm Nghệ Tĩnh", starts_on=today() + timedelta(days=3), opening_hours="8:00–22:00"
    )
    BoothFactory(fair=fair, producer=fish_sauce.producer).products.add(fish_sauce)
    over = FairFactory(
        name="Phiên chợ Nước mắm xưa", starts_on=today() - timedelta(days=9), ends_on=today() - timedelta(days=2)
    )
    return {"fish_sauce": fish_sauce, "market": market, "fair": fair, "over": over}


def tab_texts(response):
    return [(str(tab.label), tab.count, tab.url, tab.active) for tab in response.context["tabs"]]


def test_the_search_page_has_a_tab_for_each_kind_with_its_count(english, town):
    response = english.get("/search/", {"q": "nuoc mam"})
    assert tab_texts(response) == [
        ("Products", 1, "/search/?q=nuoc+mam", True),
        ("Sales points", 1, "/search/sales-points/?q=nuoc+mam", False),
        ("Fairs", 1, "/search/fairs/?q=nuoc+mam", False),
    ]
    text = visible_text(response)
    assert "Products (1)" in text and "Sales points (1)" in text and "Fairs (1)" in text


def test_the_sales_points_tab(english, town):
    response = english.get(reverse("search:sales-points"), {"q": "nuoc mam"})
    assert response.status_code == 200
    assert response.context["places"] == [town["market"]]
    assert [tab.active for tab in response.context["tabs"]] == [False, True, False]
    page, text = html(response), visible_text(response)
    assert f'href="{town["market"].get_absolute_url()}">Điểm bán OCOP Chợ Đồng Lộc</a>' in page
    assert "OCOP sales point · Market" in text
    assert "Số 5 Trần Phú, Xã Vũ Quang, Hà Tĩnh" in text
    assert "Opening hours: 7:00–21:00" in text
    assert 'Sales points matching "nuoc mam"' in text
    assert 'name="q" id="id_q" value="nuoc mam"' in page  # the search box keeps the words


def test_the_fairs_tab_shows_the_dates_and_venue_of_fairs_not_over(english, town):
    response = english.get(reverse("search:fairs"), {"q": "nuoc mam"})
    fair = town["fair"]
    assert response.context["places"] == [fair]
    text = visible_text(response)
    assert f"{fair.starts_on:%d/%m/%Y} – {fair.ends_on:%d/%m/%Y} · Quảng trường Thành Sen" in text
    assert "Opening hours: 8:00–22:00" in text
    assert "Phiên chợ" not in text
    assert tab_texts(response)[0] == ("Products", 1, "/search/?q=nuoc+mam", False)


def test_without_words_a_tab_lists_every_open_place(english, town):
    SalesPointFactory(partner__name="Điểm bán OCOP Kỳ Anh", status=SalesPoint.Status.SUSPENDED)
    response = english.get(reverse("search:sales-points"))
    assert response.context["places"] == [town["market"]]
    assert [tab.url for tab in response.context["tabs"]] == ["/search/", "/search/sales-points/", "/search/fairs/"]
    assert "OCOP sales points" in visible_text(response)


def test_a_clear_message_when_nothing_matches(english, town):
    response = english.get(reverse("search:fairs"), {"q": "banh chung"})
    assert response.context["places"] == []
    assert 'No fair now or coming matches "banh chung".' in visible_text(response)
    response = english.get(reverse("search:sales-points"), {"q": "banh chung"})
    assert 'No open sales point matches "banh chung".' in visible_text(response)


def test_pages_of_sales_points(english):
    for number in range(23):
        SalesPointFactory(partner__name=f"Điểm bán OCOP số {number:02d}")
    first = english.get(reverse("search:sales-points"), {"q": "diem ban"})
    second = english.get(reverse("search:sales-points"), {"q": "diem ban", "page": 2})
    assert len(first.context["places"]) == 20 and len(second.context["places"]) == 3
    assert not {place.pk for place in first.context["places"]} & {place.pk for place in second.context["places"]}
    assert "Page 2 of 2" in visible_text(second)
    assert "23 sales points." in visible_text(first)
    past_the_end = english.get(reverse("search:sales-points"), {"q": "diem ban", "page": 9})
    assert past_the_end.status_code == 302 and past_the_end.url == "/search/sales-points/?q=diem+ban"


def test_in_vietnamese_by_default(client, town):
    response = client.get(reverse("search:sales-points"), {"q": "nuoc mam"})
    assert response.status_code == 200
    assert response.context["places"] == [town["market"]]
