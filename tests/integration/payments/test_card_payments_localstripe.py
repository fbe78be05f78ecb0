"""Card payments against localstripe, a real HTTP fake of Stripe: our card endpoint confirms the order's
PaymentIntent, localstripe sends its signed webhook to our live server, the webhook pays the order.
Then the things that go wrong: repeated, concurrent, late and forged events, 3-D Secure, declines."""

import json
import threading
import time

import pytest
import requests
from django.db import OperationalError
from django.urls import reverse

from shop.payments import stripe_gateway
from shop.payments.models import PaymentState, StripeEvent
from tests.integration.conftest import wait_for
from tests.localstripe import PUBLISHABLE_KEY, new_token
from tests.unit.payments.cards import card_order, event_payload, sign

# serialized_rollback: the data the migrations made comes back after the flush, for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VISA = "4242424242424242"
THREE_D_SECURE = "4000002760003184"
DECLINED = "4000000000000341"


def card_urls(order):
    kwargs = {"number": order.number, "hash": order.verification_hash()}
    return {name: reverse(f"payments:{name}", kwargs=kwargs) for name in ("card", "card-confirm", "card-return")}


def open_card_page(client, order):
    response = client.get(card_urls(order)["card"])
    assert response.status_code == 200
    order.payment.refresh_from_db()
    return response


def confirm(client, order, payment_method):
    return client.post(
        card_urls(order)["card-confirm"],
        data=json.dumps({"payment_method": payment_method}),
        content_type="application/json",
    )


def state_of(order):
    """The order's payment state, read again. On SQLite the live server's thread shares the in-memory
    database's cache with this one, and a read that meets its write is told "table is locked": read again."""
    for _ in range(50):
        try:
            order.payment.refresh_from_db()
            return order.payment.state
        except OperationalError:
            time.sleep(0.1)
    raise AssertionError("the payment could not be read")


def paid_within(order, seconds=15):
    """True once the order is paid and the webhook's event processed (on SQLite the live server shares
    the test's connection, so the one may be seen before the other is written)."""

    def done():
        try:
            processed = StripeEvent.objects.filter(processed_at__isnull=False, type="payment_intent.succeeded")
            return state_of(order) == PaymentState.PAID and processed.exists()
        except OperationalError:
            return False

    return wait_for(done, timeout=seconds, interval=0.25)


def stripe_get(localstripe, path, **params):
    from tests.localstripe import SECRET_KEY

    response = requests.get(f"{localstripe}{path}", params=params, auth=(SECRET_KEY, ""), timeout=5)
    response.raise_for_status()
    return response.json()


def test_card_page_creates_the_orders_payment_intent(client, localstripe):
    order = card_order((2, 1))
    response = open_card_page(client, order)
    payment = order.payment
    intent = stripe_get(localstripe, f"/v1/payment_intents/{payment.stripe_payment_intent_id}")
    assert intent["amount"] == int(order.total_incl_tax) == int(payment.amount)
    assert intent["currency"] == "vnd"
    assert intent["metadata"] == {"order_number": str(order.number)}
    assert intent["status"] == "requires_payment_method"
    assert payment.card_attempts == 1
    page = response.content.decode()
    assert intent["client_secret"] in page
    assert f"{localstripe}/js.stripe.com/v3/" in page
    assert VISA not in page
    # Opened again, the same PaymentIntent serves.
    open_card_page(client, order)
    assert order.payment.stripe_payment_intent_id == intent["id"] and order.payment.card_attempts == 1


def test_card_paid_through_the_webhook(client, localstripe, webhooks_to):
    order = card_order()
    open_card_page(client, order)
    response = confirm(client, order, new_token(localstripe, VISA))
    assert response.status_code == 200
    assert response.json()["status"] == "succeeded"
    assert response.json()["redirect"] == card_urls(order)["card-return"]

    assert paid_within(order), "the webhook did not mark the order paid"
    payment = order.payment
    assert payment.amount_received == payment.amount
    event = wait_for(lambda: StripeEvent.objects.filter(processed_at__isnull=False).first())
    assert event.type == "payment_intent.succeeded"
    assert event.payment_intent_id == payment.stripe_payment_intent_id
    # The first PaymentIntent (the card page's) was given up for the confirmed one.
    assert payment.card_attempts == 2
    intents = stripe_get(localstripe, "/v1/payment_intents", limit=100)["data"]
    assert sorted(intent["status"] for intent in intents) == ["canceled", "succeeded"]

    page = client.get(card_urls(order)["card-return"])
    assert page.context["outcome"] == "paid"


def test_pm_card_visa_pays_too(localstripe, webhooks_to):
    order = card_order()
    intent = stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")
    assert intent.status == "succeeded"
    assert paid_within(order)


def test_same_event_delivered_twice_is_processed_once(localstripe, webhooks_to):
    order = card_order()
    stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")
    assert paid_within(order)
    wait_for(lambda: StripeEvent.objects.filter(processed_at__isnull=False).exists())
    sent = stripe_get(localstripe, "/v1/events", limit=100)["data"]
    succeeded = next(event for event in sent if event["type"] == "payment_intent.succeeded")
    payload = json.dumps(succeeded)

    again = requests.post(
        webhooks_to.url + reverse("payments:stripe-webhook"),
        data=payload.encode(),
        headers={"Stripe-Signature": sign(payload), "Content-Type": "application/json"},
        timeout=10,
    )
    assert again.status_code == 200 and again.text == "duplicate event"
    event = StripeEvent.objects.get(event_id=succeeded["id"])
    assert StripeEvent.objects.count() == 1
    assert "paid" in event.outcome and "already" not in event.outcome  # processed by the first delivery only


def test_concurrent_deliveries_of_one_event_store_and_process_it_once(
    localstripe, webhooks_to, requires_postgresql, settings
):
    from shop.order.models import OrderNotification

    order = card_order()
    # No webhook from localstripe for this one: the test delivers the event itself, ten times at once.
    from tests.localstripe import NOWHERE, register_webhook

    register_webhook(localstripe, NOWHERE)
    intent = stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")
    payload = event_payload("payment_intent.succeeded", intent.id, amount=intent.amount)
    url = webhooks_to.url + reverse("payments:stripe-webhook")
    start = threading.Barrier(10)
    answers = []

    def deliver():
        start.wait()
        response = requests.post(url, data=payload.encode(), headers={"Stripe-Signature": sign(payload)}, timeout=30)
        answers.append((response.status_code, response.text))

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == sorted([(200, "ok")] + [(200, "duplicate event")] * 9)
    assert StripeEvent.objects.count() == 1
    assert state_of(order) == PaymentState.PAID
    assert OrderNotification.objects.filter(order=order, kind="buyer_payment_received").count() == 1


def test_failed_event_after_success_does_not_unpay(localstripe, webhooks_to):
    order = card_order()
    intent = stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")
    assert paid_within(order)
    payload = event_payload("payment_intent.payment_failed", intent.id, status="requires_payment_method")
    response = requests.post(
        webhooks_to.url + reverse("payments:stripe-webhook"),
        data=payload.encode(),
        headers={"Stripe-Signature": sign(payload)},
        timeout=10,
    )
    assert response.status_code == 200
    assert state_of(order) == PaymentState.PAID
    late = StripeEvent.objects.get(type="payment_intent.payment_failed")
    assert late.processed_at is not None and "succeeded" in late.outcome


def test_late_failed_event_reads_stripes_current_state(localstripe, live_server):
    """The event says payment_failed, Stripe has the PaymentIntent succeeded since: paid."""
    order = card_order()
    intent = stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")  # no webhook registered
    payload = event_payload("payment_intent.payment_failed", intent.id, status="requires_payment_method")
    response = requests.post(
        live_server.url + reverse("payments:stripe-webhook"),
        data=payload.encode(),
        headers={"Stripe-Signature": sign(payload)},
        timeout=10,
    )
    assert response.status_code == 200
    assert state_of(order) == PaymentState.PAID


@pytest.mark.parametrize("forgery", ["bad", "stale", "missing"])
def test_forged_or_stale_events_are_refused(localstripe, live_server, settings, forgery):
    order = card_order()
    intent = stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")
    payload = event_payload("payment_intent.succeeded", intent.id)
    headers = {
        "bad": {"Stripe-Signature": sign(payload, secret="whsec_not_ours")},
        "stale": {
            "Stripe-Signature": sign(payload, timestamp=int(time.time()) - settings.STRIPE_WEBHOOK_TOLERANCE - 1)
        },
        "missing": {},
    }[forgery]
    response = requests.post(
        live_server.url + reverse("payments:stripe-webhook"), data=payload.encode(), headers=headers, timeout=10
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert state_of(order) == PaymentState.AWAITING


def authenticate(localstripe, client_secret, success):
    """What Stripe.js's 3-D Secure step (the stand-in's confirmCardPayment) does."""
    intent_id = client_secret.split("_secret_")[0]
    response = requests.post(
        f"{localstripe}/v1/payment_intents/{intent_id}/_authenticate",
        params={"success": "true" if success else "false"},
        json={"key": PUBLISHABLE_KEY, "client_secret": client_secret},
        timeout=5,
    )
    response.raise_for_status()
    return response.json()


def test_three_d_secure_completed_pays_through_the_webhook(client, localstripe, webhooks_to):
    order = card_order()
    open_card_page(client, order)
    reply = confirm(client, order, new_token(localstripe, THREE_D_SECURE)).json()
    assert reply["status"] == "requires_action"
    time.sleep(1.5)
    assert state_of(order) == PaymentState.AWAITING
    assert client.get(card_urls(order)["card-return"]).context["outcome"] == "unfinished"

    assert reply["client_secret"].startswith(order.payment.stripe_payment_intent_id + "_secret_")
    assert authenticate(localstripe, reply["client_secret"], success=True)["status"] == "succeeded"
    assert paid_within(order)


def test_three_d_secure_failed_leaves_the_order_unpaid(client, localstripe, webhooks_to):
    order = card_order()
    open_card_page(client, order)
    reply = confirm(client, order, new_token(localstripe, THREE_D_SECURE)).json()
    intent = authenticate(localstripe, reply["client_secret"], success=False)
    assert intent["status"] == "requires_payment_method"
    time.sleep(2)  # any webhook would have arrived by now
    assert state_of(order) == PaymentState.AWAITING
    assert client.get(card_urls(order)["card-return"]).context["outcome"] == "failed"
    # The buyer tries again, with another card: a new attempt, paid.
    open_card_page(client, order)
    assert confirm(client, order, new_token(localstripe, VISA)).json()["status"] == "succeeded"
    assert paid_within(order)


def test_declined_card_is_said_so_and_nothing_is_paid(client, localstripe, webhooks_to):
    order = card_order()
    open_card_page(client, order)
    response = confirm(client, order, new_token(localstripe, DECLINED))
    assert response.status_code == 402
    assert response.json()["error"]
    time.sleep(1.5)
    assert state_of(order) == PaymentState.AWAITING
    # The next visit of the card page starts a fresh attempt.
    open_card_page(client, order)
    intent = stripe_get(localstripe, f"/v1/payment_intents/{order.payment.stripe_payment_intent_id}")
    assert intent["status"] == "requires_payment_method"


def test_settle_before_cancelling_cancels_the_unpaid_payment_intent(client, localstripe):
    order = card_order()
    open_card_page(client, order)
    assert stripe_gateway.settle_from_stripe(order.payment) is False
    intent = stripe_get(localstripe, f"/v1/payment_intents/{order.payment.stripe_payment_intent_id}")
    assert intent["status"] == "canceled"


def test_settle_before_cancelling_records_a_payment_whose_webhook_was_lost(localstripe):
    order = card_order()
    stripe_gateway.confirm_with_payment_method(order.payment, "pm_card_visa")  # no webhook registered
    assert stripe_gateway.settle_from_stripe(order.payment) is True
    assert state_of(order) == PaymentState.PAID
