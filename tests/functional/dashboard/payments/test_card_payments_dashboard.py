"""Shop staff's card payment pages: the list with Stripe's flags, and refunds in full or per line."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shop.payments.models import PaymentState, ReconciliationFlag, Refund
from tests.unit.payments import fake_stripe
from tests.unit.payments.cards import card_order, paid_card_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_fake(monkeypatch, settings):
    return fake_stripe.install(monkeypatch, settings)


@pytest.fixture
def staff_client(english):
    user = get_user_model().objects.create_user(
        username="ketoan", email="ketoan@example.vn", password="x", is_staff=True
    )
    english.force_login(user)
    english.user = user
    return english


def refund_url(order):
    return reverse("dashboard:card-payment-refund", kwargs={"number": order.number})


def test_list_shows_card_payments_their_state_and_open_flags(staff_client, django_assert_max_num_queries):
    paid = paid_card_order()
    awaited = card_order()
    for _ in range(3):
        card_order()
    ReconciliationFlag.objects.create(
        kind=ReconciliationFlag.Kind.PAID_WITHOUT_CHARGE,
        payment_intent_id=paid.payment.stripe_payment_intent_id,
        payment=paid.payment,
        details="Stripe: requires_payment_method",
    )
    with django_assert_max_num_queries(25):
        response = staff_client.get(reverse("dashboard:card-payment-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert str(paid.number) in body and str(awaited.number) in body
    assert "The order is paid, Stripe has no successful payment" in body
    assert paid.payment.stripe_payment_intent_id in body
    flagged = staff_client.get(reverse("dashboard:card-payment-list"), {"flagged": "on"})
    assert [payment.pk for payment in flagged.context["payments"]] == [paid.payment.pk]


def test_producer_staff_are_refused(client, stripe_fake):
    from tests.factories import ProducerFactory, partner_staff

    user = partner_staff(ProducerFactory(), "staff@example.vn")
    client.force_login(user)
    order = paid_card_order()
    assert client.get(reverse("dashboard:card-payment-list")).status_code == 403
    response = client.post(refund_url(order), {"amount": "1000", "reason": "x", "expected_refunded": "0"})
    assert response.status_code == 403
    assert not Refund.objects.exists()


def test_refund_the_whole_order(staff_client, stripe_fake):
    order = paid_card_order()
    page = staff_client.get(refund_url(order))
    assert page.status_code == 200
    amount = int(order.payment.amount_received)
    response = staff_client.post(
        refund_url(order), {"amount": str(amount), "reason": "Khách hủy", "expected_refunded": "0", "line": ""}
    )
    assert response.status_code == 302
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.REFUNDED
    refund = Refund.objects.get()
    assert refund.line is None and refund.created_by == staff_client.user and refund.reason == "Khách hủy"
    assert stripe_fake.refunds.created[0][0]["amount"] == amount


def test_refund_a_line_within_its_price(staff_client, stripe_fake):
    order = paid_card_order((2, 1))
    line = order.lines.order_by("pk").first()
    too_much = int(line.line_price_incl_tax) + 1
    response = staff_client.post(
        refund_url(order), {"amount": str(too_much), "reason": "Vỡ", "expected_refunded": "0", "line": str(line.pk)}
    )
    assert response.status_code == 400
    assert "can still be refunded for this line" in response.content.decode()
    assert not Refund.objects.exists() and stripe_fake.refunds.created == []

    response = staff_client.post(
        refund_url(order), {"amount": "50000", "reason": "Vỡ một hũ", "expected_refunded": "0", "line": str(line.pk)}
    )
    assert response.status_code == 302
    order.payment.refresh_from_db()
    assert order.payment.state == PaymentState.PARTIALLY_REFUNDED
    assert Refund.objects.get().line == line


def test_a_stale_page_does_not_refund_twice(staff_client, stripe_fake):
    order = paid_card_order()
    data = {"amount": "10000", "reason": "Trả lại", "expected_refunded": "0", "line": ""}
    assert staff_client.post(refund_url(order), data).status_code == 302
    again = staff_client.post(refund_url(order), data)  # the same form, sent again
    assert again.status_code == 400
    assert "meanwhile" in again.content.decode()
    assert Refund.objects.count() == 1


def test_unpaid_order_offers_no_refund(staff_client, stripe_fake):
    order = card_order()
    page = staff_client.get(refund_url(order))
    assert page.status_code == 200
    assert "Nothing can be refunded" in page.content.decode()
    response = staff_client.post(refund_url(order), {"amount": "1000", "reason": "x", "expected_refunded": "0"})
    assert response.status_code == 400
    assert not Refund.objects.exists()
