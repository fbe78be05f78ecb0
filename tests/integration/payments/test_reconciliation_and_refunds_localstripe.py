"""Reconciliation with localstripe's PaymentIntents, both ways, and refunds made at localstripe."""

import pytest
import requests

from shop.payments import reconciliation, stripe_gateway
from shop.payments.models import PaymentState, ReconciliationFlag, Refund
from shop.payments.refunds import refund
from shop.payments.services import record_payment
from shop.payments.tasks import reconcile_card_payments
from tests.localstripe import SECRET_KEY
from tests.unit.payments.cards import card_order

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Kind = ReconciliationFlag.Kind


def charge(localstripe_url, amount, order_number):
    """A PaymentIntent paid at Stripe without our card page (as a second tab, or a lost order would)."""
    return stripe_gateway.client().v1.payment_intents.create(
        {
            "amount": amount,
            "currency": "vnd",
            "payment_method_types": ["card"],
            "payment_method": "pm_card_visa",
            "confirm": True,
            "metadata": {"order_number": str(order_number)},
        }
    )


def test_charged_without_a_paid_order_is_flagged_once(localstripe):
    cancelled = card_order()
    cancelled.payment.state = PaymentState.CANCELLED
    cancelled.payment.save()
    on_cancelled = charge(localstripe, int(cancelled.payment.amount), cancelled.number)
    orphan = charge(localstripe, 120000, "999999")

    reconcile_card_payments.delay()
    reconcile_card_payments.delay()  # twice: flagged once

    flags = ReconciliationFlag.objects.filter(kind=Kind.CHARGED_WITHOUT_PAID_ORDER)
    assert sorted(flags.values_list("payment_intent_id", flat=True)) == sorted([on_cancelled.id, orphan.id])
    assert flags.get(payment_intent_id=on_cancelled.id).payment == cancelled.payment
    assert flags.get(payment_intent_id=orphan.id).payment is None
    assert flags.count() == 2
    # The money of the cancelled order is recorded all the same (never lost), for staff to refund.
    cancelled.payment.refresh_from_db()
    assert cancelled.payment.state == PaymentState.PAID
    assert cancelled.payment.stripe_payment_intent_id == on_cancelled.id


def test_paid_order_without_a_successful_charge_is_flagged(client, localstripe):
    order = card_order()
    from django.urls import reverse

    client.get(reverse("payments:card", kwargs={"number": order.number, "hash": order.verification_hash()}))
    order.payment.refresh_from_db()
    record_payment(order.payment, order.payment.amount)  # marked paid, but the PaymentIntent was never paid

    reconcile_card_payments.delay()
    reconcile_card_payments.delay()

    flag = ReconciliationFlag.objects.get(kind=Kind.PAID_WITHOUT_CHARGE)
    assert flag.payment == order.payment
    assert flag.payment_intent_id == order.payment.stripe_payment_intent_id
    assert "requires_payment_method" in flag.details


def test_payment_whose_webhook_was_lost_is_recorded_not_flagged(localstripe):
    order = card_order()
    stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")  # no webhook registered
    counts = reconcile_card_payments.apply().result
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID
    assert counts["recorded"] == 1
    assert not ReconciliationFlag.objects.exists()


def test_agreeing_payments_are_not_flagged(localstripe):
    order = card_order()
    stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")
    stripe_gateway.settle_from_stripe(order.payment)
    reconciliation.reconcile(since=order.payment.created_at.replace(year=2000))
    assert not ReconciliationFlag.objects.exists()


def paid_order(localstripe):
    order = card_order((2, 1))
    stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")
    assert stripe_gateway.settle_from_stripe(order.payment)
    order.payment.refresh_from_db()
    return order


def refunds_at_stripe(localstripe, payment_intent_id):
    response = requests.get(
        f"{localstripe}/v1/refunds",
        params={"payment_intent": payment_intent_id},
        auth=(SECRET_KEY, ""),
        timeout=5,
    )
    response.raise_for_status()
    return sorted(item["amount"] for item in response.json()["data"])


def test_partial_then_full_refund_at_stripe(localstripe):
    order = paid_order(localstripe)
    payment = order.payment
    line = order.lines.order_by("pk").first()
    refund(payment, 50000, line=line, reason="Một hũ bị vỡ")
    assert payment.state == PaymentState.PARTIALLY_REFUNDED
    rest = payment.refundable
    refund(payment, rest, reason="Khách hủy phần còn lại")
    assert payment.state == PaymentState.REFUNDED
    assert refunds_at_stripe(localstripe, payment.stripe_payment_intent_id) == sorted([50000, int(rest)])
    assert list(Refund.objects.values_list("stripe_refund_id", flat=True).order_by("pk"))[0].startswith("re_")


def test_full_refund_at_stripe(localstripe):
    order = paid_order(localstripe)
    refund(order.payment, order.payment.amount_received, reason="Hết hàng")
    assert order.payment.state == PaymentState.REFUNDED
    assert refunds_at_stripe(localstripe, order.payment.stripe_payment_intent_id) == [int(order.payment.amount)]
