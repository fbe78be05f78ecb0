"""A cash order is paid when its last standing item reaches the buyer."""

from decimal import Decimal

import pytest

from shop.order.fulfilment import advance_line, cancel_line
from shop.order.models import LineStatus
from shop.payments.models import PaymentMethod, PaymentState
from shop.payments.services import new_payment
from tests.factories import certified_product, placed_order

pytestmark = pytest.mark.django_db

ON_THE_WAY = (LineStatus.CONFIRMED, LineStatus.PACKED)


def deliver(line):
    for status in ON_THE_WAY:
        advance_line(line, status, user=None)
    advance_line(line, LineStatus.SHIPPED, user=None, carrier="Viettel Post", tracking_number="VTP1")
    advance_line(line, LineStatus.DELIVERED, user=None)


@pytest.fixture
def order():
    honey = certified_product(title="Mật ong rừng", stock=(Decimal("320000"), 9))
    oranges = certified_product(title="Cam bù", stock=(Decimal("95000"), 9))
    order = placed_order([(honey, 1), (oranges, 2)])
    new_payment(order, PaymentMethod.CASH)
    return order


def test_paid_once_every_line_is_delivered(order):
    honey_line, orange_line = order.lines.order_by("pk")
    deliver(honey_line)
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.TO_COLLECT

    deliver(orange_line)

    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID
    assert order.payment.amount_received == order.total_incl_tax
    assert order.payment.paid_at is not None


def test_a_cancelled_line_is_not_counted(order):
    honey_line, orange_line = order.lines.order_by("pk")
    cancel_line(orange_line, user=None, reason="Hết hàng")
    deliver(honey_line)
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID
    assert order.payment.amount_received == honey_line.line_price_incl_tax + order.shipping_incl_tax


def test_a_transfer_is_not_marked_paid_by_delivery():
    honey = certified_product(title="Mật ong rừng", stock=(Decimal("320000"), 9))
    order = placed_order([(honey, 1)])
    new_payment(order, PaymentMethod.VIETQR)
    deliver(order.lines.get())
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING
