"""Stock that runs out while the buyer checks out: no order, the reason in words, the basket as it was."""

from decimal import Decimal

import pytest
from django.db.models.functions import Coalesce
from django.urls import reverse
from oscar.apps.checkout.signals import pre_payment
from oscar.core.loading import get_model

from shop.partner.models import StockRecord
from tests.factories import certified_product
from tests.functional.checkout.helpers import add, up_to_preview

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")

TWO_LEFT = (
    "Sorry, only 2 of “Mật ong rừng Vũ Quang” are left and your basket has 3. "
    "Please lower the quantity in your basket to continue."
)
NONE_LEFT = "Sorry, “Mật ong rừng Vũ Quang” has sold out. Please remove it from your basket to continue."


@pytest.fixture
def honey():
    return certified_product(title="Mật ong rừng Vũ Quang", stock=(Decimal("320000"), 5))


@pytest.fixture
def oranges():
    return certified_product(title="Cam bù Hương Sơn", stock=(Decimal("95000"), 20))


def place_order(client):
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


def sent_back_to_basket(client, response):
    """The basket page the buyer is sent back to, and its messages."""
    assert response.status_code == 302
    assert response.url == reverse("basket:summary")
    page = client.get(response.url)
    return page, [str(message) for message in page.context["messages"]]


def allocated(product):
    return product.stockrecords.get().num_allocated or 0


def basket_contents(page):
    basket = page.context["basket"]
    return basket.status, sorted((line.product.title, line.quantity) for line in basket.all_lines())


@pytest.fixture
def another_buyer_takes():
    """Another buyer's order takes units of a product after this buyer's checkout has passed its
    checks and frozen the basket (just before payment), as when both place their orders at once."""
    taken = {}

    def take(sender, **kwargs):
        for product, quantity in taken.items():
            StockRecord.objects.filter(product=product).update(num_allocated=Coalesce("num_allocated", 0) + quantity)

    pre_payment.connect(take, dispatch_uid="another-buyer-takes")
    yield taken
    pre_payment.disconnect(dispatch_uid="another-buyer-takes")


def test_enough_stock_places_the_order(buyer, honey):
    add(buyer, honey, 3)
    up_to_preview(buyer)
    response = place_order(buyer)
    assert response.url == reverse("checkout:thank-you")
    assert Order.objects.get().lines.get().quantity == 3
    assert allocated(honey) == 3


def test_stock_sold_before_placing_the_order_stops_it_and_keeps_the_basket(buyer, honey, oranges):
    add(buyer, honey, 3)
    add(buyer, oranges, 2)
    up_to_preview(buyer)
    StockRecord.objects.filter(product=honey).update(num_allocated=3)  # others bought 3 of the 5

    page, messages = sent_back_to_basket(buyer, place_order(buyer))
    assert TWO_LEFT in messages
    assert basket_contents(page) == (Basket.OPEN, [("Cam bù Hương Sơn", 2), ("Mật ong rừng Vũ Quang", 3)])
    assert not Order.objects.exists()
    assert (allocated(honey), allocated(oranges)) == (3, 0)


def test_a_sell_out_while_the_order_is_being_placed_stops_it_and_thaws_the_basket(
    buyer, honey, oranges, another_buyer_takes
):
    add(buyer, honey, 3)
    add(buyer, oranges, 2)
    up_to_preview(buyer)
    another_buyer_takes[honey] = 3

    page, messages = sent_back_to_basket(buyer, place_order(buyer))
    assert TWO_LEFT in messages
    assert basket_contents(page) == (Basket.OPEN, [("Cam bù Hương Sơn", 2), ("Mật ong rừng Vũ Quang", 3)])
    assert Basket.objects.filter(owner=buyer.user).count() == 1  # the same basket, not a new empty one
    assert not Order.objects.exists()
    assert (allocated(honey), allocated(oranges)) == (3, 0)  # only the other buyer's
    # Nothing of the order that was not placed stays behind.
    assert not ShippingAddress.objects.exists()
    assert not UserAddress.objects.filter(user=buyer.user).exists()

    # The buyer takes the 2 left and checks out again.
    another_buyer_takes.clear()
    page.context["basket"].all_lines().filter(product=honey).update(quantity=2)
    up_to_preview(buyer)
    response = place_order(buyer)
    assert response.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert sorted((line.title, line.quantity) for line in order.lines.all()) == [
        ("Cam bù Hương Sơn", 2),
        ("Mật ong rừng Vũ Quang", 2),
    ]
    assert (allocated(honey), allocated(oranges)) == (5, 2)


def test_the_last_units_gone_says_sold_out(buyer, honey, another_buyer_takes):
    add(buyer, honey, 1)
    up_to_preview(buyer)
    another_buyer_takes[honey] = 5

    page, messages = sent_back_to_basket(buyer, place_order(buyer))
    assert NONE_LEFT in messages
    assert basket_contents(page) == (Basket.OPEN, [("Mật ong rừng Vũ Quang", 1)])
    assert not Order.objects.exists()
