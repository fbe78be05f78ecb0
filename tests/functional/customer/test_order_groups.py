"""The buyer's order page, per producer: how each part is received, how far it has got, its delivery
charge; the payment's state, the VietQR transfer while it is awaited, the card link while a card
payment is. An order placed without groups renders as before."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shop.order.models import FulfilmentChannel
from shop.order.pickups import mark_collected, mark_ready
from shop.payments.models import PaymentMethod, PaymentState
from shop.payments.vietqr import parse_payload
from tests.factories import (
    BoothFactory,
    ProducerFactory,
    SalesPointFactory,
    certified_product,
    partner_staff,
    placed_order,
)
from tests.functional.dashboard.pickups.helpers import group_lines, payment_for, stock_at

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def buyer(db):
    return User.objects.create_user(username="lan@example.vn", email="lan@example.vn", password="x")


@pytest.fixture
def producers(db):
    return {
        "orange": ProducerFactory(name="HTX Cam Vũ Quang"),
        "honey": ProducerFactory(name="HTX Mật ong Hương Khê"),
        "nem": ProducerFactory(name="Cơ sở Nem chua Hạc Thành"),
    }


@pytest.fixture
def point(db):
    return SalesPointFactory(partner__name="Điểm bán OCOP Thành Sen", opening_hours="7:30–21:00")


@pytest.fixture
def order(buyer, producers, point):
    """Oranges delivered (charge 35.000 ₫), honey picked up at a sales point, nem at a fair booth."""
    orange = certified_product(producer=producers["orange"], title="Cam bù Vũ Quang – thùng 5 kg")
    honey = certified_product(producer=producers["honey"], title="Mật ong hoa rừng – chai 500 ml")
    nem = certified_product(producer=producers["nem"], title="Nem chua – túi 50 chiếc")
    stock_at(point, honey)
    order = placed_order([(orange, 1), (honey, 2), (nem, 1)], user=buyer, number="800001")
    group_lines(order, producers["orange"], shipping_charge=35000)
    group_lines(order, producers["honey"], method=FulfilmentChannel.SALES_POINT_PICKUP, sales_point=point)
    booth = BoothFactory(producer=producers["nem"], number="A12", fair__name="Lễ hội Cam Hà Tĩnh")
    group_lines(
        order,
        producers["nem"],
        method=FulfilmentChannel.FAIR_PICKUP,
        booth=booth,
        pickup_on=booth.fair.starts_on + timedelta(days=1),
    )
    return order


def page(client, order):
    return client.get(reverse("customer:order", kwargs={"order_number": order.number}))


def test_each_producers_part_with_how_it_is_received(english, buyer, order, point):
    english.force_login(buyer)
    content = page(english, order).content.decode()
    for text in (
        "HTX Cam Vũ Quang",
        "HTX Mật ong Hương Khê",
        "Cơ sở Nem chua Hạc Thành",
        "Delivered to",
        "12 Trần Phú",
        "Pickup at a sales point",
        "Điểm bán OCOP Thành Sen",
        "7:30–21:00",
        point.map_url.replace("&", "&amp;"),
        "booth A12 at Lễ hội Cam Hà Tĩnh",
        "35.000\xa0₫",
    ):
        assert text in content, text
    assert content.count('class="card mb-3 fulfilment-group"') == 3


def test_a_pickups_status_reads_ready_then_collected(english, buyer, order, point):
    english.force_login(buyer)
    order.language = "en"  # the pickup's "carrier" is written in the buyer's language
    order.save(update_fields=["language"])
    group = order.fulfilment_groups.get(method=FulfilmentChannel.SALES_POINT_PICKUP)
    operator = partner_staff(point.partner, "quay@thanhsen.vn")
    assert "Order received" in page(english, order).content.decode()
    mark_ready(group, user=operator)
    assert "Ready for pickup" in page(english, order).content.decode()
    mark_collected(group, user=operator)
    content = page(english, order).content.decode()
    assert "Collected" in content
    assert "Collected at the sales point" in content


def test_an_awaited_transfer_shows_the_vietqr_code_with_the_amount_and_note(english, buyer, order, settings):
    settings.VIETQR_BANK_BIN = "970436"
    settings.VIETQR_ACCOUNT_NUMBER = "0011004396666"
    payment = payment_for(order, PaymentMethod.VIETQR)
    english.force_login(buyer)
    response = page(english, order)
    content = response.content.decode()
    assert 'id="vietqr_transfer"' in content
    assert "Vietcombank" in content and "0011004396666" in content
    assert "OCOP 800001" in content
    payload = content.split('data-payload="', 1)[1].split('"', 1)[0]
    transfer = parse_payload(payload)
    assert (transfer.amount, transfer.note) == (int(order.total_incl_tax), "OCOP 800001")
    assert (transfer.bank_bin, transfer.account) == ("970436", "0011004396666")
    assert "<svg" in content and 'download="vietqr-ocop-800001.png"' in content
    # once paid, no code any more
    payment.state = PaymentState.PAID
    payment.save()
    content = page(english, order).content.decode()
    assert 'id="vietqr_transfer"' not in content
    assert "Paid" in content


def test_an_awaited_card_payment_links_to_the_card_page(english, buyer, order):
    payment_for(order, PaymentMethod.CARD)
    english.force_login(buyer)
    content = page(english, order).content.decode()
    url = reverse("payments:card", kwargs={"number": order.number, "hash": order.verification_hash()})
    assert f'href="{url}"' in content


def test_cash_says_what_to_have_ready(english, buyer, order):
    payment_for(order, PaymentMethod.CASH)
    english.force_login(buyer)
    content = page(english, order).content.decode()
    assert "in cash when you receive your order" in content


def test_a_guest_sees_the_groups_and_the_transfer(client, order):
    payment_for(order, PaymentMethod.VIETQR)
    order.user = None
    order.guest_email = "khach@example.vn"
    order.save()
    session = client.session
    session["anon_order_email"] = "khach@example.vn"
    session.save()
    url = reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
    content = client.get(url).content.decode()
    assert content.count('class="card mb-3 fulfilment-group"') == 3
    assert 'id="vietqr_transfer"' in content


def test_an_order_without_groups_renders_as_before(english, buyer):
    product = certified_product(title="Kẹo cu đơ – hộp 300 g", stock=(Decimal(45000), 5))
    order = placed_order([(product, 1)], user=buyer, number="800002")
    english.force_login(buyer)
    content = page(english, order).content.decode()
    assert "fulfilment-group" not in content
    assert "Kẹo cu đơ" in content and "Shipping Address" in content
