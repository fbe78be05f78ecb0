"""The order's PaymentIntent: amount and currency from the order, one idempotency key per attempt,
and settling with Stripe before an unpaid order is given up."""

from decimal import Decimal

import pytest

from shop.payments import stripe_gateway
from shop.payments.models import PaymentState, ReconciliationFlag
from tests.unit.payments import fake_stripe
from tests.unit.payments.cards import card_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_fake(monkeypatch, settings):
    return fake_stripe.install(monkeypatch, settings)


def test_card_payments_need_both_keys(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", ""
    assert not stripe_gateway.card_payments_enabled()
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    assert stripe_gateway.card_payments_enabled()


def test_client_refuses_without_keys(settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    with pytest.raises(stripe_gateway.CardPaymentsDisabled):
        stripe_gateway.client()


def test_client_honours_the_api_base(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420/"
    client = stripe_gateway.client()
    assert client._requestor.base_addresses["api"] == "http://127.0.0.1:8420"


def test_amount_is_the_orders_total_in_whole_dong():
    class Order:
        number = "100042"
        total_incl_tax = Decimal("530000.00")

    params = stripe_gateway.intent_params(Order())
    assert params["amount"] == 530000 and isinstance(params["amount"], int)
    assert params["currency"] == "vnd"
    assert params["payment_method_types"] == ["card"]
    assert params["metadata"] == {"order_number": "100042"}
    assert "automatic_payment_methods" not in params  # localstripe refuses unknown parameters


def test_payment_intent_created_from_the_order_with_the_attempts_key(stripe_fake):
    order = card_order((2, 1))
    intent = stripe_gateway.payment_intent_for(order.payment)

    params, options = stripe_fake.payment_intents.created[0]
    assert params["amount"] == int(order.total_incl_tax) == int(order.payment.amount)
    assert params["currency"] == "vnd"
    assert params["metadata"]["order_number"] == str(order.number)
    assert options == {"idempotency_key": f"order-{order.number}-attempt-1"}
    order.payment.refresh_from_db()
    assert order.payment.stripe_payment_intent_id == intent.id
    assert order.payment.card_attempts == 1


def test_payable_payment_intent_is_reused(stripe_fake):
    order = card_order()
    first = stripe_gateway.payment_intent_for(order.payment)
    again = stripe_gateway.payment_intent_for(order.payment)
    assert again.id == first.id
    assert len(stripe_fake.payment_intents.created) == 1


def test_cancelled_payment_intent_is_replaced_by_a_new_attempt(stripe_fake):
    order = card_order()
    first = stripe_gateway.payment_intent_for(order.payment)
    first.status = "canceled"
    second = stripe_gateway.payment_intent_for(order.payment)
    assert second.id != first.id
    assert stripe_fake.payment_intents.created[1][1] == {"idempotency_key": f"order-{order.number}-attempt-2"}
    assert order.payment.card_attempts == 2


def test_payment_intent_of_another_amount_is_cancelled_and_replaced(stripe_fake):
    order = card_order()
    stale = stripe_fake.intent(amount=1000, status="requires_payment_method")
    order.payment.stripe_payment_intent_id = stale.id
    order.payment.save()
    fresh = stripe_gateway.payment_intent_for(order.payment)
    assert fresh.amount == int(order.payment.amount)
    assert stale.id in stripe_fake.payment_intents.cancelled


def test_confirming_with_a_payment_method_is_a_fresh_attempt_and_cancels_the_old_one(stripe_fake):
    order = card_order()
    first = stripe_gateway.payment_intent_for(order.payment)
    intent = stripe_gateway.confirm_with_payment_method(order.payment, "card_123abc")
    params, options = stripe_fake.payment_intents.created[-1]
    assert params["payment_method"] == "card_123abc" and params["confirm"] is True
    assert params["amount"] == int(order.payment.amount)
    assert options == {"idempotency_key": f"order-{order.number}-attempt-2"}
    assert first.id in stripe_fake.payment_intents.cancelled
    assert order.payment.stripe_payment_intent_id == intent.id


def test_settle_records_a_succeeded_payment(stripe_fake):
    order = card_order()
    intent = stripe_fake.intent(amount=int(order.payment.amount))
    order.payment.stripe_payment_intent_id = intent.id
    order.payment.save()
    assert stripe_gateway.settle_from_stripe(order.payment) is True
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID
    assert order.payment.amount_received == order.payment.amount
    assert stripe_gateway.settle_from_stripe(order.payment) is True  # twice: still paid, nothing more


def test_settle_cancels_an_unpaid_payment_intent(stripe_fake):
    order = card_order()
    intent = stripe_fake.intent(amount=int(order.payment.amount), status="requires_payment_method")
    order.payment.stripe_payment_intent_id = intent.id
    order.payment.save()
    assert stripe_gateway.settle_from_stripe(order.payment) is False
    assert stripe_fake.payment_intents.cancelled == [intent.id]
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING


def test_settle_flags_a_different_amount_and_does_not_pay(stripe_fake):
    order = card_order()
    intent = stripe_fake.intent(amount=int(order.payment.amount) - 1)
    order.payment.stripe_payment_intent_id = intent.id
    order.payment.save()
    assert stripe_gateway.settle_from_stripe(order.payment) is False
    flag = ReconciliationFlag.objects.get()
    assert flag.kind == ReconciliationFlag.Kind.AMOUNT_MISMATCH and flag.payment == order.payment


def test_settle_without_a_payment_intent_is_false(stripe_fake):
    order = card_order()
    assert stripe_gateway.settle_from_stripe(order.payment) is False
    assert stripe_fake.payment_intents.created == []
