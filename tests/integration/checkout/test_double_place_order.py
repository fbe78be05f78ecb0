"""Two "place order" requests for the same basket at the same moment (a double click) on PostgreSQL:
one order, both requests sent on to it, the stock allocated once."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.partner.models import StockRecord
from tests.factories import certified_product
from tests.functional.checkout.helpers import add, up_to_preview

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Order = get_model("order", "Order")


def test_a_double_click_places_one_order(requires_postgresql, django_user_model):
    honey = certified_product(title="Mật ong rừng Vũ Quang", stock=(Decimal("320000"), 5))
    user = django_user_model.objects.create_user(username="lan", email="lan@example.vn", password="x")
    first = Client()
    first.force_login(user)
    add(first, honey, 2)
    up_to_preview(first)
    second = Client()
    second.cookies = first.cookies  # the same browser session

    barrier = threading.Barrier(2)
    responses = []

    def click(client):
        try:
            barrier.wait()
            responses.append(client.post(reverse("checkout:preview"), {"action": "place_order"}))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(client,)) for client in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert [response.status_code for response in responses] == [302, 302]
    assert {response.url for response in responses} == {reverse("checkout:thank-you")}
    order = Order.objects.get()
    assert order.lines.get().quantity == 2
    assert StockRecord.objects.get(product=honey).num_allocated == 2
    assert Basket.objects.get(pk=order.basket_id).status == Basket.SUBMITTED
