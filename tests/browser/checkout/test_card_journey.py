"""A buyer pays by card: Stripe.js is localstripe's stand-in, whose card fields the buyer types the test
card into; localstripe's signed webhook reaches the live server, which marks the order paid, and the
return page says so."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from shop.payments.models import PaymentMethod, PaymentState, StripeEvent
from tests.browser.checkout.journey import (
    BUYER_PASSWORD,
    add_from_results,
    buyer_account,
    fill_delivery_address,
    search,
    sign_in,
)
from tests.factories import HA_TINH_WARD, ProducerFactory, certified_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Order = get_model("order", "Order")


@pytest.fixture
def tea():
    producer = ProducerFactory(name="HTX Chè Tây Sơn", code="htx-che-tay-son-journey")
    return certified_product(title="Chè búp khô Tây Sơn – gói 500 g", producer=producer, stock=(Decimal("150000"), 20))


def test_buyer_pays_by_card_through_stripe_js_and_the_webhook_marks_the_order_paid(
    tea, webhooks_to, localstripe, live_server, page, screenshot
):
    buyer = buyer_account(email="minh.chau@example.vn", first_name="Minh Châu", last_name="Lê")
    sign_in(page, live_server.url, buyer.email, BUYER_PASSWORD)
    search(page, "che bup")
    add_from_results(page, tea.title)
    page.goto(live_server.url + "/checkout/")
    page.wait_for_url("**/checkout/shipping-address/")
    page.check(f"input[name='method_{tea.producer.pk}'][value='delivery']")
    page.fill("#id_recipient_name", "Lê Minh Châu")
    page.fill("#id_phone_number", "0983 456 789")
    fill_delivery_address(page, ward_code=HA_TINH_WARD, street="Thôn Trung Hòa")
    screenshot("fulfilment")
    page.locator("#continue-to-payment").click()
    page.wait_for_url("**/checkout/payment-method/")

    # With Stripe's keys set, the card is offered.
    assert page.locator("#card-unavailable").count() == 0
    page.check("input[name='method'][value='card']")
    screenshot("payment-method")
    page.locator("#continue-to-preview").click()
    page.wait_for_url("**/checkout/preview/")
    screenshot("preview")
    page.locator("#place-order").click()

    # The order exists, awaiting its card payment; the card page loads Stripe.js from localstripe.
    page.wait_for_url("**/payments/card/**")
    order = Order.objects.get()
    assert order.payment.method == PaymentMethod.CARD
    assert order.payment.state == PaymentState.AWAITING
    assert order.number in page.locator("h1").inner_text()
    # What the page sends to our server from here on: never the card's number.
    sent_to_us = []
    page.on(
        "request",
        lambda request: sent_to_us.append(request.post_data or "") if request.url.startswith(live_server.url) else None,
    )
    card = page.locator("#card_element")
    card.locator("input[placeholder='number']").wait_for()
    submit = page.locator("#card_submit")
    assert submit.is_enabled()
    card.locator("input[placeholder='number']").fill("4242424242424242")
    card.locator("input[placeholder='exp_month']").fill("12")
    card.locator("input[placeholder='exp_year']").fill("30")
    card.locator("input[placeholder='cvc']").fill("123")
    card.locator("input[placeholder='postal_code']").fill("45000")
    screenshot("card")
    submit.click()

    # The return page reads our database: paid once localstripe's webhook has reached us.
    page.wait_for_url("**/done/")
    page.locator("#card_outcome[data-outcome='paid']").wait_for(timeout=20_000)
    screenshot("paid")
    assert sent_to_us and not any("4242" in body for body in sent_to_us)
    payment = order.payment
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert payment.amount_received == order.total_incl_tax
    assert StripeEvent.objects.filter(type="payment_intent.succeeded", processed_at__isnull=False).count() == 1
