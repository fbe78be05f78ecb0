"""The Stripe webhook: signatures checked (good, bad, missing, stale), each event stored and processed
once, and processing acting on the PaymentIntent as Stripe has it now."""

import time

import pytest
from django.urls import reverse

from shop.order.models import OrderNotification
from shop.payments.models import PaymentState, ReconciliationFlag, StripeEvent
from tests.unit.payments import fake_stripe
from tests.unit.payments.cards import card_order, event_payload, sign

pytestmark = pytest.mark.django_db
URL = reverse("payments:stripe-webhook")


@pytest.fixture
def stripe_fake(monkeypatch, settings):
    return fake_stripe.install(monkeypatch, settings)


@pytest.fixture
def awaited(stripe_fake):
    """An order awaiting its card payment, whose PaymentIntent succeeded at Stripe."""
    order = card_order()
    intent = stripe_fake.intent(amount=int(order.payment.amount), metadata={"order_number": str(order.number)})
    order.payment.stripe_payment_intent_id = intent.id
    order.payment.save()
    return order, intent


def post(client, payload, signature):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(URL, data=payload, content_type="application/json", **headers)


def test_good_signature_is_accepted_and_pays_the_order(client, awaited, django_capture_on_commit_callbacks):
    order, intent = awaited
    payload = event_payload("payment_intent.succeeded", intent.id)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, payload, sign(payload))
    assert response.status_code == 200
    event = StripeEvent.objects.get()
    assert event.type == "payment_intent.succeeded" and event.payment_intent_id == intent.id
    assert event.processed_at is not None and "paid" in event.outcome
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID
    assert order.payment.amount_received == order.payment.amount
    assert OrderNotification.objects.filter(order=order, kind="buyer_payment_received").count() == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "t=123,v1=deadbeef",
        "garbage",
    ],
    ids=["missing", "empty", "wrong", "malformed"],
)
def test_bad_or_missing_signature_is_refused_and_nothing_stored(client, awaited, signature):
    order, intent = awaited
    response = post(client, event_payload("payment_intent.succeeded", intent.id), signature)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING


def test_signature_with_another_secret_is_refused(client, awaited):
    _, intent = awaited
    payload = event_payload("payment_intent.succeeded", intent.id)
    assert post(client, payload, sign(payload, secret="whsec_someone_else")).status_code == 400
    assert not StripeEvent.objects.exists()


def test_payload_changed_after_signing_is_refused(client, awaited):
    _, intent = awaited
    payload = event_payload("payment_intent.succeeded", intent.id)
    signature = sign(payload)
    assert post(client, payload.replace(intent.id, "pi_other"), signature).status_code == 400
    assert not StripeEvent.objects.exists()


def test_stale_timestamp_is_refused(client, awaited, settings):
    _, intent = awaited
    payload = event_payload("payment_intent.succeeded", intent.id)
    stale = int(time.time()) - settings.STRIPE_WEBHOOK_TOLERANCE - 5
    assert post(client, payload, sign(payload, timestamp=stale)).status_code == 400
    assert not StripeEvent.objects.exists()


def test_timestamp_within_tolerance_is_accepted(client, awaited, settings):
    _, intent = awaited
    payload = event_payload("payment_intent.succeeded", intent.id)
    recent = int(time.time()) - settings.STRIPE_WEBHOOK_TOLERANCE + 30
    assert post(client, payload, sign(payload, timestamp=recent)).status_code == 200
    assert StripeEvent.objects.count() == 1


def test_without_a_webhook_secret_nothing_is_accepted(client, awaited, settings):
    _, intent = awaited
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = event_payload("payment_intent.succeeded", intent.id)
    assert post(client, payload, sign(payload)).status_code == 400
    assert not StripeEvent.objects.exists()


def test_only_post(client):
    assert client.get(URL).status_code == 405


def test_same_event_twice_is_stored_and_processed_once(
    client, awaited, stripe_fake, monkeypatch, django_capture_on_commit_callbacks
):
    order, intent = awaited
    reads = []
    retrieve = stripe_fake.payment_intents.retrieve
    monkeypatch.setattr(stripe_fake.payment_intents, "retrieve", lambda *a, **k: reads.append(a) or retrieve(*a, **k))
    payload = event_payload("payment_intent.succeeded", intent.id, event_id="evt_once")
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, payload, sign(payload))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = post(client, payload, sign(payload))
    assert first.status_code == second.status_code == 200
    assert second.content == b"duplicate event"
    assert callbacks == []  # nothing enqueued for the repeat
    assert StripeEvent.objects.filter(event_id="evt_once").count() == 1
    assert len(reads) == 1
    assert OrderNotification.objects.filter(order=order, kind="buyer_payment_received").count() == 1


def test_a_failed_event_after_success_does_not_unpay(client, awaited, django_capture_on_commit_callbacks):
    order, intent = awaited
    succeeded = event_payload("payment_intent.succeeded", intent.id)
    failed = event_payload("payment_intent.payment_failed", intent.id, status="requires_payment_method")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, succeeded, sign(succeeded))
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, failed, sign(failed)).status_code == 200
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID
    assert StripeEvent.objects.filter(type="payment_intent.payment_failed").get().processed_at is not None


def test_event_acts_on_stripes_current_state_not_the_events_copy(client, awaited, django_capture_on_commit_callbacks):
    """A payment_failed event arriving late, when Stripe has the PaymentIntent succeeded since: paid."""
    order, intent = awaited
    failed = event_payload("payment_intent.payment_failed", intent.id, status="requires_payment_method")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, failed, sign(failed))
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID


def test_succeeded_event_for_a_payment_intent_not_yet_succeeded_does_not_pay(
    client, awaited, django_capture_on_commit_callbacks
):
    order, intent = awaited
    intent.status = "requires_action"
    payload = event_payload("payment_intent.succeeded", intent.id)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload, sign(payload))
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING


def test_amount_mismatch_is_flagged_and_does_not_pay(client, awaited, django_capture_on_commit_callbacks):
    order, intent = awaited
    intent.amount = int(order.payment.amount) - 1000
    payload = event_payload("payment_intent.succeeded", intent.id)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload, sign(payload))
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING
    flag = ReconciliationFlag.objects.get()
    assert flag.kind == ReconciliationFlag.Kind.AMOUNT_MISMATCH
    assert flag.payment_intent_id == intent.id and flag.payment == order.payment


def test_other_currency_is_flagged_and_does_not_pay(client, awaited, django_capture_on_commit_callbacks):
    order, intent = awaited
    intent.currency = "usd"
    payload = event_payload("payment_intent.succeeded", intent.id)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload, sign(payload))
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING
    assert ReconciliationFlag.objects.filter(kind=ReconciliationFlag.Kind.AMOUNT_MISMATCH).exists()


def test_payment_found_by_the_order_number_when_an_earlier_attempt_succeeded(
    client, awaited, stripe_fake, django_capture_on_commit_callbacks
):
    order, current = awaited
    earlier = stripe_fake.intent(amount=int(order.payment.amount), metadata={"order_number": str(order.number)})
    payload = event_payload("payment_intent.succeeded", earlier.id)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload, sign(payload))
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID
    assert order.payment.stripe_payment_intent_id == earlier.id


def test_second_charge_of_a_paid_order_is_flagged(client, awaited, stripe_fake, django_capture_on_commit_callbacks):
    order, intent = awaited
    first = event_payload("payment_intent.succeeded", intent.id)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, first, sign(first))
    other = stripe_fake.intent(amount=int(order.payment.amount), metadata={"order_number": str(order.number)})
    second = event_payload("payment_intent.succeeded", other.id)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, second, sign(second))
    flag = ReconciliationFlag.objects.get()
    assert flag.kind == ReconciliationFlag.Kind.CHARGED_WITHOUT_PAID_ORDER and flag.payment_intent_id == other.id
    order.payment.refresh_from_db()
    assert order.payment.stripe_payment_intent_id == intent.id


def test_events_of_other_kinds_are_stored_and_ignored(client, stripe_fake, django_capture_on_commit_callbacks):
    payload = event_payload("customer.created", "cus_123")
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, payload, sign(payload)).status_code == 200
    event = StripeEvent.objects.get()
    assert event.outcome == "ignored" and event.payment_intent_id == ""


def test_money_reaching_a_cancelled_order_is_recorded_and_flagged_for_a_refund(
    client, awaited, django_capture_on_commit_callbacks
):
    order, intent = awaited
    order.payment.state = PaymentState.CANCELLED
    order.payment.save()
    payload = event_payload("payment_intent.succeeded", intent.id)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload, sign(payload))
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID
    flag = ReconciliationFlag.objects.get()
    assert flag.kind == ReconciliationFlag.Kind.CHARGED_WITHOUT_PAID_ORDER
    assert "refund" in flag.details and flag.payment == order.payment


def test_payment_without_a_stored_payment_intent_is_found_by_the_order_number(
    client, stripe_fake, django_capture_on_commit_callbacks
):
    order = card_order()  # its PaymentIntent's id was never stored (a request that failed after Stripe)
    intent = stripe_fake.intent(amount=int(order.payment.amount), metadata={"order_number": str(order.number)})
    payload = event_payload("payment_intent.succeeded", intent.id)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload, sign(payload))
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID
    assert order.payment.stripe_payment_intent_id == intent.id
