"""The buyer's order page: each item's status, its steps with their dates, the parcel's tracking, why it was cancelled."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from shop.order.fulfilment import advance_line, cancel_line
from shop.order.models import LineStatus, LineStatusEvent
from tests.factories import ProducerFactory, certified_product, partner_staff, placed_order

pytestmark = pytest.mark.django_db

User = get_user_model()
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def buyer(db):
    return User.objects.create_user(username="lan@example.vn", email="lan@example.vn", password="x")


@pytest.fixture
def order(buyer):
    orange = certified_product(
        producer=ProducerFactory(), title="Cam bù Vũ Quang – thùng 5 kg", stock=(Decimal(225000), 9)
    )
    nem = certified_product(producer=ProducerFactory(), title="Nem chua Thanh Hóa", stock=(Decimal(87000), 9))
    honey = certified_product(title="Mật ong hoa cam")
    order = placed_order([(orange, 1), (nem, 2), (honey, 1)], user=buyer, number="700001")
    orange_line, nem_line, _honey_line = order.lines.order_by("pk")
    staff = partner_staff(orange.producer)
    advance_line(orange_line, LineStatus.CONFIRMED, user=staff)
    advance_line(orange_line, LineStatus.PACKED, user=staff)
    advance_line(orange_line, LineStatus.SHIPPED, user=staff, carrier="Viettel Post", tracking_number="VTP778899")
    cancel_line(nem_line, user=partner_staff(nem.producer), reason="Lô nem đã hết hạn giao")
    # Fixed times for the steps, to find their dates on the page.
    for day, event in enumerate(LineStatusEvent.objects.order_by("pk"), start=2):
        LineStatusEvent.objects.filter(pk=event.pk).update(changed_at=datetime(2026, 3, day, 9, 30, tzinfo=HANOI))
    return order


def test_the_buyer_sees_each_items_steps_tracking_and_cancel_reason(client, buyer, order):
    client.force_login(buyer)
    response = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert response.status_code == 200
    content = response.content.decode()
    for step in ("02/03/2026 09:30", "03/03/2026 09:30", "04/03/2026 09:30", "05/03/2026 09:30"):
        assert step in content, step
    assert "Viettel Post" in content and "VTP778899" in content
    assert "Lô nem đã hết hạn giao" in content
    # In Vietnamese by default: the status labels and the step names.
    for label in ("Đã gửi hàng", "Đã hủy", "Đã xác nhận", "Đã đóng gói", "Mã vận đơn"):
        assert label in content, label


def test_a_guest_sees_the_steps_on_the_order_status_page(client, order):
    order.user = None
    order.guest_email = "khach@example.vn"
    order.save()
    session = client.session
    session["anon_order_email"] = "khach@example.vn"
    session.save()
    url = reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "VTP778899" in content and "Lô nem đã hết hạn giao" in content
    assert "04/03/2026 09:30" in content


def test_another_buyer_cannot_see_the_order(client, order):
    other = User.objects.create_user(username="hoa@example.vn", email="hoa@example.vn", password="x")
    client.force_login(other)
    assert client.get(reverse("customer:order", kwargs={"order_number": order.number})).status_code == 404
