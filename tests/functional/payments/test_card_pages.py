"""The buyer's card pages: reached only with the order's hash, refusing gracefully without Stripe's keys
or when Stripe cannot be reached, and the return page telling paid, processing, failed or cancelled
from our database."""

import json

import pytest
import stripe
from django.urls import reverse

from shop.payments.models import PaymentMethod, PaymentState
from shop.payments.services import new_payment
from tests.factories import certified_product, placed_order
from tests.unit.payments import fake_stripe
from tests.unit.payments.cards import card_order, paid_card_order

pytestmark = pytest.mark.django_db


def url(name, order, hash=None):
    return reverse(f"payments:{name}", kwargs={"number": order.number, "hash": hash or order.verification_hash()})


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.fixture
def stripe_fake(monkeypatch, settings):
    return fake_stripe.install(monkeypatch, settings)


def test_without_stripe_keys_the_card_page_refuses_gracefully(english, no_stripe):
    order = card_order()
    response = english.get(url("card", order))
    assert response.status_code == 503
    body = response.content.decode()
    assert "Card payments are not available at the moment" in body
    assert str(order.number) in body
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING and order.payment.stripe_payment_intent_id is None


def test_without_stripe_keys_the_confirm_endpoint_refuses(english, no_stripe):
    order = card_order()
    response = english.post(
        url("card-confirm", order), data=json.dumps({"payment_method": "pm_card_visa"}), content_type="application/json"
    )
    assert response.status_code == 503
    assert response.json()["error"] == "Card payments are not available at the moment."


def test_card_page_refuses_when_stripe_cannot_be_reached(english, stripe_fake, monkeypatch):
    def down(params, options=None):
        raise stripe.APIConnectionError("Stripe is unreachable")

    monkeypatch.setattr(stripe_fake.payment_intents, "create", down)
    order = card_order()
    response = english.get(url("card", order))
    assert response.status_code == 503
    assert "Card payments are not available at the moment" in response.content.decode()


def test_card_page_shows_the_amount_the_order_and_the_form(english, stripe_fake, settings):
    order = card_order((2, 1))
    response = english.get(url("card", order))
    assert response.status_code == 200
    body = response.content.decode()
    intent = stripe_fake.payment_intents.intents[order.payment.__class__.objects.get().stripe_payment_intent_id]
    assert f'data-client-secret="{intent.client_secret}"' in body
    assert 'data-publishable-key="pk_test_ocop"' in body
    assert settings.STRIPE_JS_URL in body
    assert "js/ocop-card-payment.js" in body
    for line in order.lines.all():
        assert line.description in body
    assert response.context["payment"].amount == order.payment.amount
    assert "sk_test_ocop" not in body


@pytest.mark.parametrize("name", ["card", "card-return"])
def test_wrong_hash_is_404(english, stripe_fake, name):
    order = card_order()
    assert english.get(url(name, order, hash="0" * 64)).status_code == 404


def test_unknown_order_is_404(english, stripe_fake):
    response = english.get(reverse("payments:card", kwargs={"number": "999999", "hash": "abc"}))
    assert response.status_code == 404


def test_order_paid_in_cash_has_no_card_page(english, stripe_fake):
    order = placed_order([(certified_product(), 1)])
    new_payment(order, PaymentMethod.CASH)
    assert english.get(url("card", order)).status_code == 404


def test_confirm_endpoint_takes_only_a_payment_method_id(english, stripe_fake):
    order = card_order()
    for sent in ({"payment_method": "4242424242424242"}, {"card": {"number": "4242424242424242"}}, "not json"):
        response = english.post(
            url("card-confirm", order),
            data=sent if isinstance(sent, str) else json.dumps(sent),
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json()["error"] == "The card could not be read. Check it and try again."
    assert stripe_fake.payment_intents.created == []


def test_confirm_endpoint_says_when_the_card_is_declined(english, stripe_fake, monkeypatch):
    def declined(params, options=None):
        raise stripe.CardError("Your card was declined.", "payment_method", "card_declined")

    monkeypatch.setattr(stripe_fake.payment_intents, "create", declined)
    order = card_order()
    response = english.post(
        url("card-confirm", order), data=json.dumps({"payment_method": "card_abc"}), content_type="application/json"
    )
    assert response.status_code == 402
    assert response.json()["error"] == "Your card was declined. Try another card."
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING
    assert order.payment.card_attempts == 1  # the attempt's key is used up: the next try has its own


def test_confirm_endpoint_is_csrf_protected(stripe_fake):
    from django.test import Client

    order = card_order()
    response = Client(enforce_csrf_checks=True).post(
        url("card-confirm", order), data=json.dumps({"payment_method": "card_abc"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert stripe_fake.payment_intents.created == []


def test_paid_order_goes_to_the_return_page_which_says_paid(english, stripe_fake):
    order = paid_card_order()
    response = english.get(url("card", order))
    assert response.status_code == 302 and response.url == url("card-return", order)
    page = english.get(response.url)
    assert page.context["outcome"] == "paid"
    assert "Paid: we have received" in page.content.decode()


def test_return_page_says_processing_until_the_webhook_has_come(english, stripe_fake):
    order = card_order()
    intent = stripe_fake.intent(amount=int(order.payment.amount), status="succeeded")
    order.payment.stripe_payment_intent_id = intent.id
    order.payment.save()
    page = english.get(url("card-return", order))
    assert page.context["outcome"] == "processing"
    body = page.content.decode()
    assert 'http-equiv="refresh"' in body
    assert "being processed" in body
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING  # the browser's return never marks it paid


def test_return_page_says_failed_and_offers_to_try_again(english, stripe_fake):
    order = card_order()
    intent = stripe_fake.intent(amount=int(order.payment.amount), status="requires_payment_method")
    intent.last_payment_error = {"code": "card_declined"}
    order.payment.stripe_payment_intent_id = intent.id
    order.payment.save()
    page = english.get(url("card-return", order))
    assert page.context["outcome"] == "failed"
    assert url("card", order) in page.content.decode()


def test_cancelled_order_says_so(english, stripe_fake):
    order = card_order()
    order.payment.state = PaymentState.CANCELLED
    order.payment.save()
    assert english.get(url("card", order)).status_code == 302
    page = english.get(url("card-return", order))
    assert page.context["outcome"] == "cancelled"
    assert "cancelled because it was not paid in time" in page.content.decode()


def test_return_page_before_any_attempt_says_not_paid_yet(english, no_stripe):
    order = card_order()
    page = english.get(url("card-return", order))
    assert page.context["outcome"] == "unfinished"
    body = page.content.decode()
    assert "The order is not paid yet." in body
    assert "nothing was charged" not in body
