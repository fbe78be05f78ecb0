"""Allocating an order's stock: all of it or none, never more than is free."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation
from oscar.core.loading import get_class, get_model

from shop.order.allocation import SoldOut, allocate_stock, shortages
from shop.partner.models import StockRecord
from tests.factories import ProductClassFactory, certified_product, placed_order

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
OrderCreator = get_class("order.utils", "OrderCreator")


def product_with(num_in_stock, num_allocated=None, **fields):
    product = certified_product(stock=(Decimal("120000"), num_in_stock), **fields)
    if num_allocated is not None:
        StockRecord.objects.filter(product=product).update(num_allocated=num_allocated)
    return product


def line(product, quantity):
    """A line as the service sees it: a product, its stock record, a quantity."""
    return SimpleNamespace(product=product, stockrecord=product.stockrecords.get(), quantity=quantity)


def stock_of(product):
    record = product.stockrecords.get()
    return record.num_in_stock, record.num_allocated


def test_allocates_what_is_free():
    honey = product_with(5, num_allocated=1)
    honey_line = line(honey, 4)
    allocate_stock([honey_line])
    assert stock_of(honey) == (5, 5)
    assert honey_line.stockrecord.num_allocated == 5  # the caller's instance is up to date


def test_more_than_is_free_raises_and_leaves_the_stock_as_it_was():
    honey = product_with(5, num_allocated=3, title="Mật ong rừng")
    with pytest.raises(SoldOut) as raised:
        allocate_stock([line(honey, 3)])
    assert (raised.value.title, raised.value.available, raised.value.requested) == ("Mật ong rừng", 2, 3)
    assert stock_of(honey) == (5, 3)
    with translation.override("en"):
        assert raised.value.message == (
            "Sorry, only 2 of “Mật ong rừng” are left and your basket has 3. "
            "Please lower the quantity in your basket to continue."
        )


def test_messages_for_one_left_and_none_left():
    with translation.override("en"):
        assert SoldOut("Mật ong rừng", 1, 2).message.startswith("Sorry, only 1 of “Mật ong rừng” is left")
        assert SoldOut("Mật ong rừng", 0, 2).message == (
            "Sorry, “Mật ong rừng” has sold out. Please remove it from your basket to continue."
        )
        assert SoldOut("Mật ong rừng", -3, 2).available == 0  # over-allocated by hand: nothing left, not less


def test_lines_of_the_same_stock_record_are_added_up():
    honey = product_with(5)
    with pytest.raises(SoldOut) as raised:
        allocate_stock([line(honey, 3), line(honey, 3)])
    assert (raised.value.available, raised.value.requested) == (5, 6)
    assert stock_of(honey) == (5, None)
    assert [(s.available, s.requested) for s in shortages([line(honey, 3), line(honey, 3)])] == [(5, 6)]

    allocate_stock([line(honey, 2), line(honey, 3)])
    assert stock_of(honey) == (5, 5)


def test_one_sold_out_record_undoes_the_others():
    oranges = product_with(10)
    honey = product_with(1)  # the higher id: allocated after the oranges
    with pytest.raises(SoldOut):
        allocate_stock([line(honey, 2), line(oranges, 4)])
    assert stock_of(oranges) == (10, None)
    assert stock_of(honey) == (1, None)


def test_a_product_that_does_not_track_stock_is_not_limited():
    untracked = ProductClassFactory(name="Dịch vụ trải nghiệm", track_stock=False)
    tour = product_with(0, product_class=untracked)
    allocate_stock([line(tour, 30)])
    assert stock_of(tour) == (0, None)
    assert shortages([line(tour, 30)]) == []


def test_no_stock_number_counts_as_none_left():
    honey = product_with(5)
    StockRecord.objects.filter(product=honey).update(num_in_stock=None)
    with pytest.raises(SoldOut) as raised:
        allocate_stock([line(honey, 1)])
    assert raised.value.available == 0


def test_placing_an_order_allocates_its_stock():
    honey = product_with(5)
    order = placed_order([(honey, 2)])
    assert stock_of(honey) == (5, 2)
    assert order.lines.get().num_allocated == 2


def test_an_order_for_more_than_is_left_is_not_placed():
    oranges = product_with(10)
    honey = product_with(2)
    with pytest.raises(SoldOut):
        placed_order([(oranges, 1), (honey, 3)])
    assert not Order.objects.exists()
    assert stock_of(oranges) == (10, None)
    assert stock_of(honey) == (2, None)
