"""The card page in Chromium with localstripe's Stripe.js stand-in: a 3-D Secure card completed in the
stand-in's authentication box pays the order (through the webhook); a declined card is said so on the
page and the buyer can try another."""

import pytest
from django.urls import reverse

from shop.payments.models import PaymentState
from tests.unit.payments.cards import card_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def card_page(live_server, order):
    kwargs = {"number": order.number, "hash": order.verification_hash()}
    return live_server.url + reverse("payments:card", kwargs=kwargs)


def type_card(page, number):
    card = page.locator("#card_element")
    card.locator("input[placeholder='number']").wait_for()
    card.locator("input[placeholder='number']").fill(number)
    card.locator("input[placeholder='exp_month']").fill("12")
    card.locator("input[placeholder='exp_year']").fill("30")
    card.locator("input[placeholder='cvc']").fill("123")
    card.locator("input[placeholder='postal_code']").fill("45000")


def test_three_d_secure_card_completed_in_the_authentication_box(webhooks_to, localstripe, page, screenshot):
    order = card_order()
    page.goto(card_page(webhooks_to, order))
    assert str(order.number) in page.locator("h1").inner_text()
    type_card(page, "4000002760003184")
    screenshot("card")
    page.locator("#card_submit").click()
    # The stand-in's 3-D Secure box (what confirmCardPayment opens).
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url("**/done/")
    page.locator("#card_outcome[data-outcome='paid']").wait_for(timeout=20_000)
    screenshot("paid")
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PAID


def test_declined_card_is_said_so_and_another_card_pays(webhooks_to, localstripe, page, screenshot):
    order = card_order()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": webhooks_to.url}])
    page.goto(card_page(webhooks_to, order))
    type_card(page, "4000000000000341")
    page.locator("#card_submit").click()
    error = page.locator("#card_errors")
    error.filter(has_text="Your card was declined").wait_for()
    screenshot("declined")
    assert page.locator("#card_submit").is_enabled()
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.AWAITING

    page.goto(card_page(webhooks_to, order))
    type_card(page, "4242424242424242")
    page.locator("#card_submit").click()
    page.wait_for_url("**/done/")
    page.locator("#card_outcome[data-outcome='paid']").wait_for(timeout=20_000)
    screenshot("paid")
