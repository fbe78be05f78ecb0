"""Orders whose transfer or card payment did not come by the deadline are cancelled: their lines, the
stock reserved for them, the payment, and one e-mail to the buyer."""

import sys
import types
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from shop.order.fulfilment import advance_line
from shop.order.models import LineStatus, LineStatusEvent, OrderNotification
from shop.order.tasks import cancel_overdue_payments
from shop.payments.deadlines import cancel_unpaid_order
from shop.payments.models import Payment, PaymentState
from shop.payments.services import record_payment
from tests.unit.order.mail_helpers import split_order

pytestmark = pytest.mark.django_db

Kind = OrderNotification.Kind


def overdue(split, hours=1):
    Payment.objects.filter(pk=split.payment.pk).update(pay_by=timezone.now() - timedelta(hours=hours))
    split.order.payment.refresh_from_db()


def run_task(capture):
    with capture(execute=True):
        return cancel_overdue_payments()


@pytest.fixture
def stripe(monkeypatch):
    """shop.payments.stripe_gateway as the cancellation sees it: whether card payments are on, and what
    settling with Stripe answers (True: the money came after all)."""
    fake = types.SimpleNamespace(enabled=True, paid=False, settled=[])

    def settle_from_stripe(payment):
        fake.settled.append(payment.pk)
        if fake.paid:
            record_payment(payment, payment.amount)
        return fake.paid

    module = types.ModuleType("shop.payments.stripe_gateway")
    module.card_payments_enabled = lambda: fake.enabled
    module.settle_from_stripe = settle_from_stripe
    monkeypatch.setitem(sys.modules, "shop.payments.stripe_gateway", module)
    return fake


def test_an_overdue_transfer_cancels_the_order_and_releases_its_stock(django_capture_on_commit_callbacks):
    split = split_order()
    assert split.stockrecords() == [(20, 2), (10, 3)]
    overdue(split)

    assert run_task(django_capture_on_commit_callbacks) == 1

    split.order.payment.refresh_from_db()
    assert split.order.payment.state == PaymentState.CANCELLED
    assert set(split.order.lines.values_list("status", flat=True)) == {LineStatus.CANCELLED}
    assert set(split.order.lines.values_list("cancellation_reason", flat=True)) == {"Chưa thanh toán đúng hạn"}
    # The producer's stock and the sales point's are both free to sell again.
    assert split.stockrecords() == [(20, 0), (10, 0)]
    events = LineStatusEvent.objects.filter(line__order=split.order)
    assert events.count() == 2
    assert not events.filter(buyer_notified_at=None).exists()  # told in the order's e-mail below
    assert events.filter(changed_by=None).count() == 2
    # One e-mail, about the whole order, rather than one per line.
    (message,) = mail.outbox
    assert message.to == ["lan@example.vn"]
    assert message.subject == "Đơn hàng 100101 đã bị hủy do chưa thanh toán đúng hạn"
    assert "Cam bù Vũ Quang – thùng 5 kg × 2" in message.body
    assert "Chè xanh Hương Sơn 500 g × 3" in message.body
    assert OrderNotification.objects.get(kind=Kind.BUYER_UNPAID_CANCELLED).sent_at is not None

    assert run_task(django_capture_on_commit_callbacks) == 0  # the next run finds nothing to do
    assert len(mail.outbox) == 1


def test_the_cancellation_is_written_in_the_orders_language(django_capture_on_commit_callbacks):
    split = split_order(language="en")
    overdue(split)
    run_task(django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject == "Order 100101 was cancelled: not paid in time"
    assert "If you paid after the deadline, your money is not lost" in message.body
    assert split.order.lines.first().cancellation_reason == "Not paid in time"


def test_a_payment_still_within_its_deadline_is_left_alone(django_capture_on_commit_callbacks):
    split = split_order()
    assert run_task(django_capture_on_commit_callbacks) == 0
    split.order.payment.refresh_from_db()
    assert split.order.payment.state == PaymentState.AWAITING
    assert set(split.order.lines.values_list("status", flat=True)) == {LineStatus.NEW}
    assert split.stockrecords() == [(20, 2), (10, 3)]
    assert mail.outbox == []


def test_a_paid_order_is_left_alone_after_the_deadline(django_capture_on_commit_callbacks):
    split = split_order()
    record_payment(split.order.payment, split.order.payment.amount)
    overdue(split)
    assert run_task(django_capture_on_commit_callbacks) == 0
    assert split.order.payment.state == PaymentState.PAID
    assert set(split.order.lines.values_list("status", flat=True)) == {LineStatus.NEW}
    assert mail.outbox == []


def test_a_cash_order_has_no_deadline(django_capture_on_commit_callbacks):
    split = split_order(method="cash")
    assert split.order.payment.pay_by is None
    assert run_task(django_capture_on_commit_callbacks) == 0
    assert split.order.payment.state == PaymentState.TO_COLLECT


def test_a_payment_recorded_before_the_lock_wins(django_capture_on_commit_callbacks):
    """The task listed the payment as overdue; the money was recorded before it took the lock."""
    split = split_order()
    overdue(split)
    stale = Payment.objects.get(pk=split.payment.pk)  # as the task read it
    record_payment(split.order.payment, split.order.payment.amount)
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel_unpaid_order(stale, "Chưa thanh toán đúng hạn") is False
    assert stale.state == PaymentState.PAID
    assert set(split.order.lines.values_list("status", flat=True)) == {LineStatus.NEW}
    assert mail.outbox == []


def test_money_arriving_after_the_cancellation_is_kept_and_the_buyer_told_of_a_refund(
    django_capture_on_commit_callbacks,
):
    split = split_order()
    overdue(split)
    run_task(django_capture_on_commit_callbacks)
    mail.outbox.clear()

    payment = split.order.payment
    assert record_payment(payment, payment.amount) is True
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert payment.amount_received == payment.amount
    # The goods went back on sale: the lines stay cancelled and no stock is reserved again.
    assert set(split.order.lines.values_list("status", flat=True)) == {LineStatus.CANCELLED}
    assert split.stockrecords() == [(20, 0), (10, 0)]
    # The payment-received e-mail (owed by whoever records the money) says it will be refunded.
    from shop.order.notifications import owe

    with django_capture_on_commit_callbacks(execute=True):
        owe(split.order, Kind.BUYER_PAYMENT_RECEIVED)
    (message,) = mail.outbox
    assert "nhưng khoản tiền đến sau khi đơn hàng đã bị hủy" in message.body
    assert "hoàn tiền" in message.body


def test_an_order_with_an_item_already_shipped_is_not_cancelled(django_capture_on_commit_callbacks, caplog):
    split = split_order()
    line = split.orange_line
    for status in (LineStatus.CONFIRMED, LineStatus.PACKED):
        advance_line(line, status, user=None)
    advance_line(line, LineStatus.SHIPPED, user=None, carrier="Viettel Post", tracking_number="VTP1")
    overdue(split)
    mail.outbox.clear()
    assert run_task(django_capture_on_commit_callbacks) == 0
    split.order.payment.refresh_from_db()
    assert split.order.payment.state == PaymentState.AWAITING
    assert split.order.lines.get(pk=split.tea_line.pk).status == LineStatus.NEW
    assert "not cancelled, staff must settle it" in caplog.text
    assert mail.outbox == []


def test_a_card_payment_paid_after_all_at_stripe_is_kept(stripe, django_capture_on_commit_callbacks):
    split = split_order(method="card")
    overdue(split)
    stripe.paid = True
    assert run_task(django_capture_on_commit_callbacks) == 0
    assert stripe.settled == [split.payment.pk]
    split.order.payment.refresh_from_db()
    assert split.order.payment.state == PaymentState.PAID
    assert set(split.order.lines.values_list("status", flat=True)) == {LineStatus.NEW}


def test_an_unpaid_card_payment_is_cancelled_once_stripe_says_so(stripe, django_capture_on_commit_callbacks):
    split = split_order(method="card")
    overdue(split)
    assert run_task(django_capture_on_commit_callbacks) == 1
    assert stripe.settled == [split.payment.pk]
    split.order.payment.refresh_from_db()
    assert split.order.payment.state == PaymentState.CANCELLED
    assert split.stockrecords() == [(20, 0), (10, 0)]
    assert len(mail.outbox) == 1


def test_without_stripe_a_card_payment_is_cancelled_without_asking(stripe, django_capture_on_commit_callbacks):
    split = split_order(method="card")
    overdue(split)
    stripe.enabled = False
    assert run_task(django_capture_on_commit_callbacks) == 1
    assert stripe.settled == []
    split.order.payment.refresh_from_db()
    assert split.order.payment.state == PaymentState.CANCELLED


def test_one_failing_payment_does_not_stop_the_others(stripe, django_capture_on_commit_callbacks, caplog):
    card = split_order(method="card", number="100201", buyer_email="an@example.vn")
    transfer = split_order(method="vietqr", number="100202", buyer_email="binh@example.vn", tag="2")
    overdue(card, hours=2)
    overdue(transfer)

    def stripe_down(payment):
        raise ConnectionError("Stripe did not answer")

    sys.modules["shop.payments.stripe_gateway"].settle_from_stripe = stripe_down
    assert run_task(django_capture_on_commit_callbacks) == 1
    card.order.payment.refresh_from_db()
    transfer.order.payment.refresh_from_db()
    assert card.order.payment.state == PaymentState.AWAITING  # tried again on the next run
    assert transfer.order.payment.state == PaymentState.CANCELLED
    assert "could not be settled" in caplog.text
