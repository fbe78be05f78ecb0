"""Buyers checking out the last units at the same moment on PostgreSQL: none is sold twice, none deadlocks.

Each thread places its order through the shop's OrderCreator in a transaction of its own on its own
connection, as a checkout request does (ATOMIC_REQUESTS); a barrier lets them all go at once.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from oscar.apps.shipping.methods import Free
from oscar.core.loading import get_class, get_model

from shop.order.allocation import SoldOut
from shop.partner.models import StockRecord
from tests.factories import certified_product

# transactional_db: each thread sees only what is committed; serialized_rollback restores the data the
# migrations made (Wagtail's site, the role groups) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

BUYERS = 20
UNITS_LEFT = 5


@pytest.fixture
def honey(requires_postgresql):
    return certified_product(title="Mật ong rừng Vũ Quang", stock=(Decimal("320000"), UNITS_LEFT))


@pytest.fixture
def oranges(requires_postgresql):
    return certified_product(title="Cam bù Hương Sơn", stock=(Decimal("95000"), UNITS_LEFT))


def basket_of(products):
    """A saved basket holding one unit of each of ``products``, its lines in that order."""
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    for product in products:
        basket.add_product(product, 1)
    return basket.pk


def free_units(product):
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock - (record.num_allocated or 0)


def checkout_all_at_once(basket_ids, watched_products):
    """Place an order for each basket, all in parallel; the outcome of each ("placed" or a SoldOut),
    and the fewest free units of any watched product seen while they ran."""
    barrier = threading.Barrier(len(basket_ids))
    outcomes, errors, lowest_seen = [], [], []
    lock = threading.Lock()
    running = threading.Event()

    def buyer(index, basket_id):
        try:
            basket = Basket.objects.get(pk=basket_id)
            basket.strategy = Selector().strategy()
            shipping = Free()
            charge = shipping.calculate(basket)
            total = OrderTotalCalculator().calculate(basket, charge)
            barrier.wait(timeout=30)
            try:
                with transaction.atomic():
                    OrderCreator().place_order(
                        basket=basket,
                        total=total,
                        shipping_method=shipping,
                        shipping_charge=charge,
                        order_number=str(200000 + index),
                    )
                    basket.submit()
                outcome = "placed"
            except SoldOut as sold_out:
                outcome = sold_out
            with lock:
                outcomes.append(outcome)
        except BaseException as error:  # noqa: BLE001 - reported to the test below, deadlocks included
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    def watcher():
        try:
            while running.is_set():
                with lock:
                    lowest_seen.append(min(free_units(product) for product in watched_products))
        finally:
            connections.close_all()

    running.set()
    watching = threading.Thread(target=watcher)
    watching.start()
    threads = [threading.Thread(target=buyer, args=(index, pk)) for index, pk in enumerate(basket_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    running.clear()
    watching.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a checkout hung"
    if errors:
        raise errors[0]
    return outcomes, min(lowest_seen, default=0)


def test_twenty_buyers_for_the_last_five_units(honey):
    assert connection.vendor == "postgresql"
    basket_ids = [basket_of([honey]) for _ in range(BUYERS)]

    outcomes, lowest_seen = checkout_all_at_once(basket_ids, [honey])

    sold_out = [outcome for outcome in outcomes if isinstance(outcome, SoldOut)]
    assert outcomes.count("placed") == UNITS_LEFT
    assert len(sold_out) == BUYERS - UNITS_LEFT
    assert all(s.title == "Mật ong rừng Vũ Quang" and s.available == 0 and s.requested == 1 for s in sold_out)
    assert Order.objects.count() == UNITS_LEFT
    record = StockRecord.objects.get(product=honey)
    assert (record.num_in_stock, record.num_allocated) == (UNITS_LEFT, UNITS_LEFT)
    assert lowest_seen >= 0
    # The buyers who were told it sold out still have their baskets to change.
    assert Basket.objects.filter(status=Basket.OPEN).count() == BUYERS - UNITS_LEFT


def test_baskets_in_opposite_orders_do_not_deadlock(honey, oranges):
    assert honey.stockrecords.get().pk < oranges.stockrecords.get().pk
    basket_ids = [basket_of([honey, oranges] if index % 2 else [oranges, honey]) for index in range(BUYERS)]

    outcomes, lowest_seen = checkout_all_at_once(basket_ids, [honey, oranges])

    assert outcomes.count("placed") == UNITS_LEFT
    assert sum(isinstance(outcome, SoldOut) for outcome in outcomes) == BUYERS - UNITS_LEFT
    assert Order.objects.count() == UNITS_LEFT
    assert all(order.lines.count() == 2 for order in Order.objects.all())
    assert free_units(honey) == free_units(oranges) == 0
    assert lowest_seen >= 0
