"""Awaited VietQR transfers: shop staff see all, a producer the orders holding their goods; marking one
received pays the order once and owes the buyer the e-mail; less than due is refused; strangers kept out."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shop.accounts.roles import Role
from shop.order.models import OrderNotification
from shop.payments.models import PaymentMethod, PaymentState
from tests.factories import (
    HA_TINH,
    SalesPointFactory,
    certified_product,
    government_officer,
    partner_staff,
    placed_order,
)
from tests.functional.dashboard.pickups.helpers import payment_for

pytestmark = pytest.mark.django_db

User = get_user_model()
LIST_URL = reverse("dashboard:transfer-list")


def received_url(payment):
    return reverse("dashboard:transfer-received", kwargs={"pk": payment.pk})


@pytest.fixture
def shop_staff(db):
    return User.objects.create_user(
        username="ketoan@cho-ocop.vn", email="ketoan@cho-ocop.vn", password="x", is_staff=True
    )


@pytest.fixture
def honey(producer_a):
    return certified_product(producer=producer_a, title="Mật ong rừng – chai 500 ml", stock=(Decimal("225000"), 30))


@pytest.fixture
def nem(producer_b):
    return certified_product(producer=producer_b, title="Nem chua – túi 50 chiếc", stock=(Decimal("87000"), 40))


@pytest.fixture
def a_payment(honey):
    return payment_for(placed_order([(honey, 2)], number="900001"), PaymentMethod.VIETQR)


@pytest.fixture
def b_payment(nem):
    return payment_for(placed_order([(nem, 1)], number="900002"), PaymentMethod.VIETQR)


def test_shop_staff_see_every_awaited_transfer(client, shop_staff, a_payment, b_payment, nem):
    payment_for(placed_order([(nem, 1)], number="900003"), PaymentMethod.CASH)
    client.force_login(shop_staff)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert {p.order.number for p in response.context["payments"]} == {"900001", "900002"}
    assert 'value="450000"' in response.content.decode()  # the amount due, pre-filled


def test_a_producer_sees_only_orders_holding_their_goods(client_a, a_payment, b_payment):
    response = client_a.get(LIST_URL)
    assert [p.order.number for p in response.context["payments"]] == ["900001"]
    assert "900002" not in response.content.decode()


def test_the_producer_marks_their_orders_transfer_received_once(client_a, staff_a, a_payment):
    response = client_a.post(received_url(a_payment), {"amount": "450.000"})
    assert response.status_code == 302
    a_payment.refresh_from_db()
    assert (a_payment.state, a_payment.amount_received, a_payment.received_by) == (
        PaymentState.PAID,
        Decimal(450000),
        staff_a,
    )
    paid_at = a_payment.paid_at
    notices = OrderNotification.objects.filter(order=a_payment.order, kind="buyer_payment_received")
    assert notices.count() == 1
    # twice: nothing changes, no second e-mail
    assert client_a.post(received_url(a_payment), {"amount": "450000"}).status_code == 302
    a_payment.refresh_from_db()
    assert a_payment.paid_at == paid_at
    assert notices.count() == 1
    assert list(client_a.get(LIST_URL).context["payments"]) == []


def test_less_than_due_is_refused_with_a_clear_message(english, staff_a, a_payment):
    english.force_login(staff_a)
    response = english.post(received_url(a_payment), {"amount": "400000"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "is less than the 450.000 ₫ due" in content
    a_payment.refresh_from_db()
    assert a_payment.state == PaymentState.AWAITING
    assert not OrderNotification.objects.filter(order=a_payment.order, kind="buyer_payment_received").exists()


def test_another_producers_order_is_a_404(client_a, b_payment):
    assert client_a.post(received_url(b_payment), {"amount": "87000"}).status_code == 404
    assert client_a.get(received_url(b_payment)).status_code == 404
    b_payment.refresh_from_db()
    assert b_payment.state == PaymentState.AWAITING


def test_a_sales_point_operator_and_an_officer_are_refused(client, a_payment):
    operator = partner_staff(SalesPointFactory().partner, "quay@diemban.vn")
    client.force_login(operator)
    assert client.get(LIST_URL).status_code == 403
    assert client.post(received_url(a_payment), {"amount": "450000"}).status_code == 403
    officer = government_officer(Role.COORDINATION_OFFICER, HA_TINH, "vpdp@hatinh.gov.vn")
    client.force_login(officer)
    assert client.post(received_url(a_payment), {"amount": "450000"}).status_code == 403
    a_payment.refresh_from_db()
    assert a_payment.state == PaymentState.AWAITING


def test_a_signed_out_visitor_is_sent_to_log_in(client, a_payment):
    response = client.post(received_url(a_payment), {"amount": "450000"})
    assert response.status_code == 302 and "login" in response["Location"]
    a_payment.refresh_from_db()
    assert a_payment.state == PaymentState.AWAITING


def test_the_list_query_count_stays_flat(client, shop_staff, honey, django_assert_max_num_queries):
    client.force_login(shop_staff)
    for number in range(3):
        payment_for(placed_order([(honey, 1)], number=f"91000{number}"), PaymentMethod.VIETQR)
    with django_assert_max_num_queries(15):
        assert len(client.get(LIST_URL).context["payments"]) == 3
    for number in range(3, 9):
        payment_for(placed_order([(honey, 1)], number=f"91000{number}"), PaymentMethod.VIETQR)
    with django_assert_max_num_queries(15):
        assert len(client.get(LIST_URL).context["payments"]) == 9
