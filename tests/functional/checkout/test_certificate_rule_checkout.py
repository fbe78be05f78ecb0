"""Checkout stops, saying why, when a product in the basket can no longer be sold; orders already placed stay as they are.

The clock is moved across the instant of expiry: a certificate valid until D sells through
23:59:59 on D in Hà Nội and not from 00:00 on D + 1, which is 17:00 UTC on D.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time
from oscar.core.loading import get_model

from catalog.certificates import record_expiries, rerate_certificate, withdraw_certificate
from catalog.models import Product
from tests.factories import CertificateFactory, ProductFactory
from tests.functional.checkout.helpers import add, up_to_preview

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")

LAST_DAY = date(2026, 6, 30)
LAST_SECOND = "2026-06-30 16:59:59"  # 23:59:59 on 30 June in Hà Nội
EXPIRED = "2026-06-30 17:00:00"  # 00:00 on 1 July in Hà Nội
BEFORE = "2026-06-20 03:00:00"

EXPIRY_MESSAGE = (
    "“Mật ong rừng Vũ Quang” cannot be bought: the OCOP certificate expired: it was valid until 30/06/2026. "
    "Please remove it from your basket to continue."
)


def certified(title, price, valid_until=LAST_DAY, stars=4):
    with freeze_time(BEFORE):
        product = ProductFactory(title=title, stock=(Decimal(price), 20))
        CertificateFactory(
            product=product,
            stars=stars,
            decision_date=date(2023, 7, 1),
            valid_from=date(2023, 7, 1),
            valid_until=valid_until,
        )
    return Product.objects.get(pk=product.pk)


@pytest.fixture
def honey():
    return certified("Mật ong rừng Vũ Quang", "320000")


@pytest.fixture
def oranges():
    """Another product, certified for years to come."""
    return certified("Cam bù Hương Sơn", "95000", valid_until=date(2028, 12, 31))


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def assert_sent_back_to_basket(client, response, message):
    assert response.status_code == 302
    assert response.url == reverse("basket:summary")
    page = client.get(response.url)
    assert message in messages_of(page)
    return page


def place_order(client):
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


def test_checkout_goes_ahead_until_the_last_second(buyer, honey):
    with freeze_time(LAST_SECOND):
        add(buyer, honey, 2)
        up_to_preview(buyer)
        response = place_order(buyer)
    assert response.status_code == 302
    assert response.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.basket_total_incl_tax == Decimal("640000")
    assert [(line.product, line.quantity) for line in order.lines.all()] == [(honey, 2)]


def test_checkout_stops_at_midnight_with_the_reason(buyer, honey):
    with freeze_time(LAST_SECOND):
        add(buyer, honey)
        assert buyer.get(reverse("checkout:index")).status_code == 302  # on to the shipping address
    with freeze_time(EXPIRED):
        response = buyer.get(reverse("checkout:index"))
        assert_sent_back_to_basket(buyer, response, EXPIRY_MESSAGE)


def test_a_guest_is_stopped_too(english, honey):
    with freeze_time(LAST_SECOND):
        add(english, honey)
        assert english.get(reverse("checkout:index")).status_code == 200  # the guest gateway
    with freeze_time(EXPIRED):
        response = english.get(reverse("checkout:index"))
        assert_sent_back_to_basket(english, response, EXPIRY_MESSAGE)


def test_expiry_between_preview_and_placing_the_order_places_nothing(buyer, honey):
    with freeze_time(LAST_SECOND):
        add(buyer, honey)
        up_to_preview(buyer)
    with freeze_time(EXPIRED):
        response = place_order(buyer)
        assert_sent_back_to_basket(buyer, response, EXPIRY_MESSAGE)
    assert not Order.objects.exists()
    assert honey.stockrecords.get().num_allocated in (None, 0)


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
def test_withdrawal_or_reduction_stops_checkout(buyer, honey, change, reason):
    with freeze_time("2026-06-22 02:00:00"):
        add(buyer, honey)
        up_to_preview(buyer)
        change(honey.certificate)
        response = place_order(buyer)
        assert_sent_back_to_basket(
            buyer,
            response,
            f"“Mật ong rừng Vũ Quang” cannot be bought: {reason}. Please remove it from your basket to continue.",
        )
    assert not Order.objects.exists()


def test_only_the_product_that_cannot_be_sold_holds_up_checkout(buyer, honey, oranges):
    with freeze_time(LAST_SECOND):
        add(buyer, honey)
        add(buyer, oranges, 3)
    with freeze_time(EXPIRED):
        page = assert_sent_back_to_basket(buyer, buyer.get(reverse("checkout:index")), EXPIRY_MESSAGE)
        refusals = [message for message in messages_of(page) if "cannot be bought" in message]
        assert refusals == [EXPIRY_MESSAGE]
        basket = page.context["basket"]
        basket.all_lines().get(product=honey).delete()
        up_to_preview(buyer)
        response = place_order(buyer)
    assert response.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert [(line.product, line.quantity) for line in order.lines.all()] == [(oranges, 3)]
    assert order.basket_total_incl_tax == Decimal("285000")


def test_the_reason_is_given_in_the_buyers_language(vietnamese, honey):
    with freeze_time(LAST_SECOND):
        add(vietnamese, honey)
    with freeze_time(EXPIRED):
        response = vietnamese.get(reverse("checkout:index"))
        assert response.url == reverse("basket:summary")
        page = vietnamese.get(response.url)
    (message,) = [message for message in messages_of(page) if message.startswith("“Mật ong rừng Vũ Quang”")]
    assert "30/06/2026" in message


# --- orders already placed -----------------------------------------------


def snapshot(order):
    order = Order.objects.get(pk=order.pk)
    return (
        order.number,
        order.status,
        order.total_incl_tax,
        order.total_excl_tax,
        order.shipping_incl_tax,
        [
            (line.product_id, line.title, line.quantity, line.line_price_incl_tax, line.unit_price_incl_tax)
            for line in order.lines.order_by("pk")
        ],
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda c: withdraw_certificate(c, occurred_on=date(2026, 6, 25), reference="Quyết định 901/QĐ-UBND"),
        lambda c: rerate_certificate(c, score=20, occurred_on=date(2026, 6, 25), reference="Biên bản 16/BB"),
        lambda c: None,  # simply let it expire
    ],
    ids=["withdrawn", "reduced", "expired"],
)
def test_orders_already_placed_are_untouched(buyer, honey, oranges, change):
    with freeze_time("2026-06-21 02:00:00"):
        add(buyer, honey, 2)
        add(buyer, oranges)
        up_to_preview(buyer)
        place_order(buyer)
    order = Order.objects.get()
    before = snapshot(order)
    assert before[2] - before[4] == Decimal("735000")  # the goods, without delivery

    with freeze_time("2026-06-25 02:00:00"):
        change(Product.objects.get(pk=honey.pk).certificate)
    with freeze_time("2026-07-02 02:00:00"):
        record_expiries()
        assert snapshot(order) == before
        page = buyer.get(reverse("customer:order", kwargs={"order_number": order.number}))
        assert page.status_code == 200
        content = page.content.decode()
        assert "Mật ong rừng Vũ Quang" in content and "Cam bù Hương Sơn" in content
        # Buying it again is refused, with the reason; the other product still can be.
        honey_line = order.lines.get(product=honey)
        response = buyer.post(
            reverse("customer:order-line", kwargs={"order_number": order.number, "line_id": honey_line.pk}),
            {"action": "reorder"},
            follow=True,
        )
        refusals = [message for message in messages_of(response) if "Mật ong rừng Vũ Quang" in message]
        assert refusals and "cannot be bought" in refusals[0]
        assert response.context["basket"].product_quantity(honey) == 0
    assert snapshot(order) == before
