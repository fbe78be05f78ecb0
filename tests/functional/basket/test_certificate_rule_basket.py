"""A product leaves the listings and the basket refuses it the moment its certificate stops allowing sales.

The clock is moved across the instant of expiry: a certificate valid until D sells through
23:59:59 on D in Hà Nội and not from 00:00 on D + 1, which is 17:00 UTC on D.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from catalog.certificates import rerate_certificate, withdraw_certificate
from catalog.models import Product
from tests.factories import CertificateFactory, ProductFactory

pytestmark = pytest.mark.django_db

LAST_DAY = date(2026, 6, 30)
LAST_SECOND = "2026-06-30 16:59:59"  # 23:59:59 on 30 June in Hà Nội
EXPIRED = "2026-06-30 17:00:00"  # 00:00 on 1 July in Hà Nội
BEFORE = "2026-06-20 03:00:00"


@pytest.fixture
def honey():
    """A 4-star product whose certificate is valid until 30 June 2026."""
    with freeze_time(BEFORE):
        product = ProductFactory(title="Mật ong rừng Vũ Quang", stock=(Decimal("320000"), 20))
        CertificateFactory(
            product=product,
            stars=4,
            decision_date=date(2023, 7, 1),
            valid_from=date(2023, 7, 1),
            valid_until=LAST_DAY,
        )
    return Product.objects.get(pk=product.pk)


def add_to_basket(client, product, quantity=1):
    return client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def basket_quantity(client, product):
    response = client.get(reverse("basket:summary"))
    basket = response.context["basket"]
    return basket.product_quantity(product)


def listed(client, url=None, **query):
    response = client.get(url or reverse("catalogue:index"), query)
    assert response.status_code == 200
    return [product.pk for product in response.context["products"]]


def test_listing_follows_the_local_clock(client, honey):
    with freeze_time(LAST_SECOND):
        assert list(Product.objects.for_sale()) == [honey]
        assert honey.pk in listed(client)
        assert honey.pk in listed(client, reverse("search:search"), q="Mật ong")
    with freeze_time(EXPIRED):
        assert list(Product.objects.for_sale()) == []
        assert honey.pk not in listed(client)
        assert honey.pk not in listed(client, reverse("search:search"), q="Mật ong")


def test_add_to_basket_until_the_last_second_and_not_after(english, honey):
    with freeze_time(LAST_SECOND):
        response = add_to_basket(english, honey)
        assert basket_quantity(english, honey) == 1
    with freeze_time(EXPIRED):
        response = add_to_basket(english, honey)
        assert basket_quantity(english, honey) == 1
        assert (
            "“Mật ong rừng Vũ Quang” cannot be bought: the OCOP certificate expired: it was valid until 30/06/2026."
            in messages_of(response)
        )


def test_the_refusal_uses_the_buyers_language_for_the_date(vietnamese, honey):
    with freeze_time(EXPIRED):
        response = add_to_basket(vietnamese, honey)
    (message,) = [message for message in messages_of(response) if "Mật ong rừng Vũ Quang" in message]
    assert message.startswith("“Mật ong rừng Vũ Quang”")
    assert "30/06/2026" in message
    assert basket_quantity(vietnamese, honey) == 0


def test_basket_holding_an_expired_product_warns_the_buyer(english, honey):
    with freeze_time(LAST_SECOND):
        add_to_basket(english, honey)
        response = english.get(reverse("basket:summary"))
        assert response.context["basket_warnings"] == []
    with freeze_time(EXPIRED):
        response = english.get(reverse("basket:summary"))
    assert response.status_code == 200
    assert response.context["basket_warnings"] == ["'Mật ong rừng Vũ Quang' is no longer available"]
    content = response.content.decode()
    assert "Not for sale: the OCOP certificate expired: it was valid until 30/06/2026" in content


def test_raising_the_quantity_of_an_expired_line_is_refused(english, honey):
    with freeze_time(LAST_SECOND):
        add_to_basket(english, honey)
    with freeze_time(EXPIRED):
        basket = english.get(reverse("basket:summary")).context["basket"]
        line = basket.all_lines()[0]
        response = english.post(
            reverse("basket:summary"),
            {
                "form-TOTAL_FORMS": 1,
                "form-INITIAL_FORMS": 1,
                "form-MIN_NUM_FORMS": 0,
                "form-MAX_NUM_FORMS": 1000,
                "form-0-id": line.pk,
                "form-0-quantity": 3,
            },
        )
    assert response.status_code == 200
    errors = response.context["formset"].errors[0]["quantity"]
    assert errors == [
        "“Mật ong rừng Vũ Quang” cannot be bought: the OCOP certificate expired: it was valid until 30/06/2026."
    ]
    line.refresh_from_db()
    assert line.quantity == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda c: withdraw_certificate(c, occurred_on=date(2026, 6, 22), reference="Quyết định 901/QĐ-UBND"),
            "the OCOP certificate was withdrawn on 22/06/2026",
        ),
        (
            lambda c: rerate_certificate(c, score=42, occurred_on=date(2026, 6, 22), reference="Biên bản 15/BB"),
            "the OCOP rating was reduced to 2 stars on 22/06/2026; only products of 3 stars or more are sold",
        ),
    ],
    ids=["withdrawn", "reduced"],
)
def test_withdrawal_or_reduction_stops_sales_at_once(english, honey, change, reason):
    with freeze_time("2026-06-22 02:00:00"):
        add_to_basket(english, honey)
        change(honey.certificate)
        assert honey.pk not in listed(english)
        response = add_to_basket(english, honey)
        assert f"“Mật ong rừng Vũ Quang” cannot be bought: {reason}." in messages_of(response)
        assert basket_quantity(english, honey) == 1
        response = english.get(reverse("basket:summary"))
        assert f"Not for sale: {reason}" in response.content.decode()


def test_an_upgrade_keeps_the_product_on_sale(english, honey):
    with freeze_time("2026-06-22 02:00:00"):
        rerate_certificate(
            honey.certificate,
            score=91,
            occurred_on=date(2026, 6, 22),
            reference="QĐ 5/QĐ-BNN",
            certifying_level="central",
        )
        assert honey.pk in listed(english)
        add_to_basket(english, honey)
        assert basket_quantity(english, honey) == 1


def test_products_without_a_sellable_certificate_never_enter_a_basket(english):
    uncertified = ProductFactory(title="Cam Hương Sơn")
    two_stars = ProductFactory(title="Chè xanh Hương Sơn")
    CertificateFactory(product=two_stars, stars=2)
    for product, reason in [
        (uncertified, "it has no OCOP certificate"),
        (two_stars, "the OCOP rating is 2 stars; only products of 3 stars or more are sold"),
    ]:
        response = add_to_basket(english, product)
        assert f"“{product.title}” cannot be bought: {reason}." in messages_of(response)
        assert basket_quantity(english, product) == 0
        assert product.pk not in listed(english)
