"""The e-mails of an order placed through the checkout: one to the buyer in the language they shopped
in, one to each producer and one to the sales point where a part is collected, sent after the commit."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from oscar.core.loading import get_model

from shop.order.models import OrderNotification
from shop.partner.models import StockRecord
from tests.factories import ProducerFactory, SalesPointFactory, certified_product, partner_staff
from tests.functional.checkout.helpers import add, place_order, up_to_preview

pytestmark = pytest.mark.django_db

Country = get_model("address", "Country")
Order = get_model("order", "Order")


@pytest.fixture
def shop():
    oranges = certified_product(
        title="Cam bù Hương Sơn",
        producer=ProducerFactory(name="HTX Cam Vũ Quang", email="cam@example.vn"),
        stock=(Decimal("95000"), 20),
    )
    honey_maker = ProducerFactory(name="Tổ hợp tác Mật ong Hương Sơn", email="matong@example.vn")
    honey = certified_product(title="Mật ong rừng Vũ Quang", producer=honey_maker, stock=(Decimal("320000"), 10))
    point = SalesPointFactory(partner__name="Trung tâm OCOP Hà Tĩnh", partner__email="trungtam@example.vn")
    partner_staff(point.partner, "quay@example.vn")
    StockRecord.objects.create(
        product=honey, partner=point.partner, partner_sku="SP-1", price=Decimal("320000"), num_in_stock=5
    )
    return oranges, honey, honey_maker, point


def signed_in(client, language):
    Country.objects.get_or_create(
        iso_3166_1_a2="VN", defaults={"name": "Việt Nam", "printable_name": "Việt Nam", "is_shipping_country": True}
    )
    client.cookies["django_language"] = language
    user = get_user_model().objects.create_user(username="anh", email="ngoc.anh@example.vn", password="x")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "subject", "pickup"),
    [
        ("en", "We have received your order {number}", "Picked up at the sales point: Trung tâm OCOP Hà Tĩnh"),
        ("vi", "Chúng tôi đã nhận đơn hàng {number}", "Nhận tại điểm bán: Trung tâm OCOP Hà Tĩnh"),
    ],
)
def test_a_placed_order_emails_the_buyer_the_producers_and_the_sales_point(
    client, shop, django_capture_on_commit_callbacks, language, subject, pickup
):
    oranges, honey, honey_maker, point = shop
    buyer = signed_in(client, language)
    add(buyer, oranges, 2)
    add(buyer, honey, 1)
    up_to_preview(buyer, {honey_maker: {"method": "sales_point_pickup", "sales_point": point.pk}}, payment="vietqr")

    with django_capture_on_commit_callbacks(execute=True):
        place_order(buyer)

    order = Order.objects.get()
    assert order.language == language
    assert OrderNotification.objects.filter(order=order, sent_at=None).count() == 0
    recipients = sorted(tuple(message.to) for message in mail.outbox)
    assert recipients == [
        ("cam@example.vn",),
        ("matong@example.vn",),
        ("ngoc.anh@example.vn",),
        ("trungtam@example.vn", "quay@example.vn"),
    ]
    (confirmation,) = [message for message in mail.outbox if message.to == ["ngoc.anh@example.vn"]]
    assert confirmation.subject == subject.format(number=order.number)
    assert confirmation.extra_headers["Content-Language"] == language
    assert pickup in confirmation.body
    assert "12 Phan Đình Phùng" in confirmation.body  # the oranges' delivery address
    assert f"OCOP {order.number}" in confirmation.body  # the transfer's note
    (to_point,) = [message for message in mail.outbox if "quay@example.vn" in message.to]
    assert "Mật ong rừng Vũ Quang × 1" in to_point.body
    assert "Cam bù" not in to_point.body
    assert "Trần Ngọc Anh" in to_point.body
