"""Refunds of card payments: within what was received, per line within the line's price, once."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation

from shop.payments.models import PaymentState, Refund
from shop.payments.refunds import line_refundable, refund
from tests.unit.payments import fake_stripe
from tests.unit.payments.cards import card_order, paid_card_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The refusals are asserted in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def stripe_fake(monkeypatch, settings):
    return fake_stripe.install(monkeypatch, settings)


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(username="ketoan", email="ketoan@example.vn", is_staff=True)


@pytest.fixture
def paid():
    """A paid card order of two lines (2 and 1 units)."""
    return paid_card_order((2, 1))


def test_full_refund(stripe_fake, paid, staff):
    payment = paid.payment
    made = refund(payment, payment.amount_received, reason="Buyer cancelled", by=staff)
    assert payment.state == PaymentState.REFUNDED
    assert payment.amount_refunded == payment.amount_received
    assert payment.refundable == 0
    params, options = stripe_fake.refunds.created[0]
    assert params["payment_intent"] == payment.stripe_payment_intent_id
    assert params["amount"] == int(payment.amount_received)
    assert options["idempotency_key"].startswith(f"refund-order-{paid.number}-after-0-order-")
    assert made.stripe_refund_id.startswith("re_") and made.created_by == staff and made.line is None


def test_partial_refund_then_the_rest(stripe_fake, paid, staff):
    payment = paid.payment
    refund(payment, 100000, reason="Damaged jar", by=staff)
    assert payment.state == PaymentState.PARTIALLY_REFUNDED
    assert payment.refundable == payment.amount_received - 100000
    refund(payment, payment.refundable, reason="The rest", by=staff)
    assert payment.state == PaymentState.REFUNDED
    keys = [options["idempotency_key"] for _, options in stripe_fake.refunds.created]
    assert len(set(keys)) == 2  # two refunds, two keys


def test_over_refund_is_refused_and_nothing_is_refunded(stripe_fake, paid, staff):
    payment = paid.payment
    with pytest.raises(ValidationError, match="can still be refunded"):
        refund(payment, payment.amount_received + 1, reason="Too much", by=staff)
    refund(payment, payment.amount_received - 5000, reason="Most", by=staff)
    with pytest.raises(ValidationError):
        refund(payment, 5001, reason="One đồng too many", by=staff)
    assert len(stripe_fake.refunds.created) == 1
    assert Refund.objects.count() == 1
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount_received - 5000


def test_line_refund_is_capped_by_the_lines_price_less_its_refunds(stripe_fake, paid, staff):
    payment = paid.payment
    line = paid.lines.order_by("pk").first()
    price = Decimal(line.line_price_incl_tax)
    assert line_refundable(line) == price
    refund(payment, price - 50000, line=line, reason="One unit spoilt", by=staff)
    assert line_refundable(line) == 50000
    with pytest.raises(ValidationError, match="for this line"):
        refund(payment, 50001, line=line, reason="More than the line", by=staff)
    refund(payment, 50000, line=line, reason="The rest of the line", by=staff)
    assert line_refundable(line) == 0
    with pytest.raises(ValidationError):
        refund(payment, 1, line=line, reason="Nothing left", by=staff)
    assert payment.state == PaymentState.PARTIALLY_REFUNDED  # the other line is still paid for
    assert list(Refund.objects.filter(line=line).values_list("amount", flat=True)) == [price - 50000, 50000]


def test_line_of_another_order_is_refused(stripe_fake, paid, staff):
    other = paid_card_order()
    with pytest.raises(ValidationError, match="not part of the order"):
        refund(paid.payment, 1000, line=other.lines.first(), reason="Wrong order", by=staff)
    assert stripe_fake.refunds.created == []


def test_unpaid_payment_cannot_be_refunded(stripe_fake, staff):
    order = card_order()
    with pytest.raises(ValidationError):
        refund(order.payment, 1000, reason="Not paid", by=staff)
    assert stripe_fake.refunds.created == []


@pytest.mark.parametrize("amount", ["0", "-5", "10.5", "abc", "NaN"])
def test_amount_must_be_a_positive_whole_number(stripe_fake, paid, staff, amount):
    with pytest.raises(ValidationError):
        refund(paid.payment, amount, reason="Bad amount", by=staff)
    assert stripe_fake.refunds.created == []


def test_refund_made_meanwhile_by_someone_else_refuses_the_stale_form(stripe_fake, paid, staff):
    payment = paid.payment
    seen = payment.amount_refunded
    refund(payment, 10000, reason="First clerk", by=staff)
    with pytest.raises(ValidationError, match="meanwhile"):
        refund(payment, 10000, reason="Second clerk, same page", by=staff, expected_refunded=seen)
    assert Refund.objects.count() == 1


def test_stripe_refusing_stores_nothing(stripe_fake, paid, staff, monkeypatch):
    import stripe

    def refuse(params, options=None):
        raise stripe.InvalidRequestError("Charge already refunded", "charge")

    monkeypatch.setattr(stripe_fake.refunds, "create", refuse)
    with pytest.raises(stripe.InvalidRequestError):
        refund(paid.payment, 1000, reason="Refused", by=staff)
    paid.payment.refresh_from_db()
    assert paid.payment.amount_refunded == 0 and paid.payment.state == PaymentState.PAID
    assert not Refund.objects.exists()
