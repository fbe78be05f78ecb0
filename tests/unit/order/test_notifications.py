"""The e-mails an order owes: written in the order's transaction, sent once after it commits, each to
the right people in the right language; a broker that is down loses none of them."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from shop.order import notifications
from shop.order.models import OrderNotification
from shop.order.notifications import order_placed, owe
from shop.order.tasks import send_order_notification, send_pending_order_notifications
from shop.payments.services import record_payment
from tests.factories import BoothFactory
from tests.unit.order.mail_helpers import split_order

pytestmark = pytest.mark.django_db

Kind = OrderNotification.Kind


def site(path):
    return settings.SITE_URL.rstrip("/") + path


def place(split, capture):
    """Owe the placed order's e-mails in its transaction and run what its commit sends."""
    with capture(execute=True), transaction.atomic():
        order_placed(split.order)


def message_to(address):
    matching = [message for message in mail.outbox if address in message.to]
    assert len(matching) == 1, [message.to for message in mail.outbox]
    return matching[0]


@pytest.fixture
def split():
    return split_order()


# --- owing ----------------------------------------------------------------------


def test_owing_twice_keeps_one_row(split, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = owe(split.order, Kind.BUYER_CONFIRMATION)
        again = owe(split.order, Kind.BUYER_CONFIRMATION)
        to_producer = owe(split.order, Kind.PRODUCER_NEW_ORDER, split.orange_producer)
        to_producer_again = owe(split.order, Kind.PRODUCER_NEW_ORDER, split.orange_producer)
    assert first.pk == again.pk
    assert to_producer.pk == to_producer_again.pk
    assert OrderNotification.objects.count() == 2


def test_nothing_is_sent_before_the_commit(split, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_placed(split.order)
    assert mail.outbox == []
    assert len(callbacks) == 4
    assert OrderNotification.objects.filter(sent_at=None).count() == 4


def test_a_rolled_back_order_owes_nothing(split, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            order_placed(split.order)
            raise RuntimeError("the payment could not be created")
    assert callbacks == []
    assert not OrderNotification.objects.exists()
    assert mail.outbox == []


def test_a_placed_order_owes_the_buyer_each_producer_and_the_sales_point(split, django_capture_on_commit_callbacks):
    place(split, django_capture_on_commit_callbacks)
    owed = set(OrderNotification.objects.values_list("kind", "partner"))
    assert owed == {
        (Kind.BUYER_CONFIRMATION, None),
        (Kind.PRODUCER_NEW_ORDER, split.orange_producer.pk),
        (Kind.PRODUCER_NEW_ORDER, split.tea_producer.pk),
        (Kind.SALES_POINT_PICKUP, split.sales_point.partner.pk),
    }
    assert not OrderNotification.objects.filter(sent_at=None).exists()
    assert sorted(tuple(message.to) for message in mail.outbox) == [
        ("camvuquang@example.vn", "hung@example.vn"),
        ("chehuongson@example.vn",),
        ("diemban.thanhsen@example.vn", "thu@example.vn"),
        ("lan@example.vn",),
    ]


def test_placing_twice_sends_each_email_once(split, django_capture_on_commit_callbacks):
    place(split, django_capture_on_commit_callbacks)
    place(split, django_capture_on_commit_callbacks)
    assert OrderNotification.objects.count() == 4
    assert len(mail.outbox) == 4


# --- sending once -----------------------------------------------------------------


def test_sending_a_row_twice_sends_once(split, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification = owe(split.order, Kind.BUYER_CONFIRMATION)
    assert send_order_notification(notification.pk) is True
    assert send_order_notification(notification.pk) is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None


def test_a_failed_send_leaves_the_row_unsent(split, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=False):
        notification = owe(split.order, Kind.BUYER_CONFIRMATION)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(ConnectionRefusedError):
        send_order_notification.run(notification.pk)
    notification.refresh_from_db()
    assert notification.sent_at is None


def test_an_email_without_an_address_is_given_up(django_capture_on_commit_callbacks, caplog):
    split = split_order(buyer_email=None)  # a guest order that has no e-mail address
    with django_capture_on_commit_callbacks(execute=False):
        notification = owe(split.order, Kind.BUYER_CONFIRMATION)
    with caplog.at_level(logging.WARNING, logger="shop.order.tasks"):
        assert send_order_notification(notification.pk) is False
    assert "nobody to send" in caplog.text
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.sent_at is not None  # the sweep does not try it again every minute


# --- a broker that is down ------------------------------------------------------------


def test_a_broker_that_is_down_keeps_the_order_and_the_sweep_sends_later(
    split, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as down:
        down.setattr(send_order_notification, "delay", broker_down)
        with caplog.at_level(logging.WARNING, logger="shop.order.notifications"):
            with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
                order_placed(split.order)
    assert len(callbacks) == 4  # each raised inside, and none escaped to the committing code
    assert caplog.text.count("the broker is unreachable") == 4
    assert OrderNotification.objects.filter(sent_at=None).count() == 4
    assert mail.outbox == []

    # A minute goes by; the broker is back and the sweep runs.
    assert send_pending_order_notifications() == 0  # not yet: their own enqueue may still be on its way
    OrderNotification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert send_pending_order_notifications() == 4
    assert len(mail.outbox) == 4
    assert not OrderNotification.objects.filter(sent_at=None).exists()
    assert send_pending_order_notifications() == 0
    assert len(mail.outbox) == 4


def test_the_sweep_leaves_rows_unsent_for_days(split, django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=False):
        owe(split.order, Kind.BUYER_CONFIRMATION)
    OrderNotification.objects.update(created_at=timezone.now() - timedelta(days=4))
    with caplog.at_level(logging.WARNING, logger="shop.order.tasks"):
        assert send_pending_order_notifications() == 0
    assert "1 order e-mail(s) unsent" in caplog.text
    assert mail.outbox == []


def test_any_error_of_the_hand_over_is_logged_not_raised(split, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(notifications, "enqueue", lambda notification_id: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        owe(split.order, Kind.BUYER_CONFIRMATION)
    assert OrderNotification.objects.get().sent_at is None


# --- what each e-mail says --------------------------------------------------------------


def test_the_buyers_confirmation_in_vietnamese(split, django_capture_on_commit_callbacks):
    place(split, django_capture_on_commit_callbacks)
    message = message_to("lan@example.vn")
    assert message.extra_headers["Content-Language"] == "vi"
    assert message.subject == "Chúng tôi đã nhận đơn hàng 100101"
    body = message.body
    payment = split.order.payment
    deadline = timezone.localtime(payment.pay_by).strftime("%d/%m/%Y %H:%M")
    for expected in [
        "Xin chào Lan Nguyễn Thị,",
        "== HTX Cam Vũ Quang ==",
        "Giao đến: Lan Nguyễn Thị, 0912 345 678, 12 Trần Phú, Phường Thành Sen, Hà Tĩnh",
        "- Cam bù Vũ Quang – thùng 5 kg × 2: 450.000\xa0₫",
        "Phí giao hàng: 30.000\xa0₫",
        "== HTX Chè Hương Sơn ==",
        "Nhận tại điểm bán: Điểm bán OCOP Thành Sen",
        "Địa chỉ: 25 Phan Đình Phùng",
        "Giờ mở cửa: 7:00–21:00 hằng ngày",
        f"Ngày nhận: {split.pickup.pickup_on:%d/%m/%Y}",
        "- Chè xanh Hương Sơn 500 g × 3: 360.000\xa0₫",
        "Tổng cộng: 840.000\xa0₫",
        f"Vui lòng chuyển khoản 840.000\xa0₫ trước {deadline}",
        f"Số tài khoản: {settings.VIETQR_ACCOUNT_NUMBER}",
        "Nội dung chuyển khoản (ghi đúng như sau): OCOP 100101",
        site(reverse("customer:order", kwargs={"order_number": "100101"})),
    ]:
        assert expected in body, expected
    # The sales point's pickup has no shipping charge of its own.
    assert body.count("Phí giao hàng") == 1


def test_the_buyers_confirmation_in_english_for_an_english_order(django_capture_on_commit_callbacks):
    split = split_order(language="en", method="cash")
    place(split, django_capture_on_commit_callbacks)
    message = message_to("lan@example.vn")
    assert message.extra_headers["Content-Language"] == "en"
    assert message.subject == "We have received your order 100101"
    assert "Picked up at the sales point: Điểm bán OCOP Thành Sen" in message.body
    assert "Payment: in cash. Please pay 840.000\xa0₫ when you receive your order" in message.body
    assert "transfer" not in message.body
    # The producers and the sales point read Vietnamese whatever the buyer's language.
    assert message_to("camvuquang@example.vn").subject == "Đơn hàng mới 100101"
    assert message_to("thu@example.vn").extra_headers["Content-Language"] == "vi"


def test_a_vietqr_confirmation_names_the_bank_account_and_note(django_capture_on_commit_callbacks, settings):
    settings.VIETQR_BANK_BIN, settings.VIETQR_ACCOUNT_NUMBER = "970436", "0011004396666"
    split = split_order(language="en", method="vietqr")
    place(split, django_capture_on_commit_callbacks)
    body = message_to("lan@example.vn").body
    assert "Bank: Vietcombank\nAccount number: 0011004396666\n" in body
    assert f"Transfer note (type it exactly): {split.order.payment.transfer_note}" in body


@pytest.mark.parametrize(
    ("paid", "expected"),
    [
        (False, "Payment: by card. We are waiting for your payment of 840.000\xa0₫"),
        (True, "Payment: by card. Your payment of 840.000\xa0₫ has been received."),
    ],
)
def test_a_card_order_says_whether_the_card_was_paid(django_capture_on_commit_callbacks, paid, expected):
    split = split_order(language="en", method="card")
    if paid:
        record_payment(split.order.payment, split.order.payment.amount)
    place(split, django_capture_on_commit_callbacks)
    assert expected in message_to("lan@example.vn").body


def test_the_producer_reads_their_own_lines_and_how_each_is_received(split, django_capture_on_commit_callbacks):
    place(split, django_capture_on_commit_callbacks)
    orange = message_to("hung@example.vn")
    assert orange.subject == "Đơn hàng mới 100101"
    assert "Cam bù Vũ Quang – thùng 5 kg × 2" in orange.body
    assert "Chè xanh" not in orange.body
    assert "Giao đến: Lan Nguyễn Thị, 0912 345 678, 12 Trần Phú" in orange.body
    assert site("/dashboard/fulfilment/orders/100101/") in orange.body
    tea = message_to("chehuongson@example.vn")
    assert "Chè xanh Hương Sơn 500 g × 3" in tea.body
    assert "Cam bù" not in tea.body
    assert "Nhận tại điểm bán: Điểm bán OCOP Thành Sen" in tea.body


def test_the_sales_point_reads_what_to_prepare_and_for_whom(split, django_capture_on_commit_callbacks):
    place(split, django_capture_on_commit_callbacks)
    message = message_to("thu@example.vn")
    assert message.to == ["diemban.thanhsen@example.vn", "thu@example.vn"]
    assert message.subject == "Đơn hàng 100101: chuẩn bị hàng cho khách đến nhận"
    body = message.body
    assert "Chè xanh Hương Sơn 500 g × 3" in body
    assert "Cam bù" not in body
    assert "Người mua: Lan Nguyễn Thị" in body
    assert "Điện thoại: 0912 345 678" in body
    assert f"Ngày nhận: {split.pickup.pickup_on:%d/%m/%Y}" in body
    assert site("/dashboard/pickups/") in body


def test_a_fair_pickup_gives_the_fair_the_booth_and_the_day(split, django_capture_on_commit_callbacks):
    booth = BoothFactory(producer=split.orange_producer, number="B12", fair__name="Lễ hội Cam Hà Tĩnh 2026")
    group = split.delivery
    group.method, group.booth, group.pickup_on, group.shipping_charge = "fair_pickup", booth, booth.fair.starts_on, 0
    group.save()
    place(split, django_capture_on_commit_callbacks)
    body = message_to("lan@example.vn").body
    assert "Nhận tại hội chợ: Lễ hội Cam Hà Tĩnh 2026\nGian hàng: B12\n" in body
    assert f"Ngày nhận: {booth.fair.starts_on:%d/%m/%Y}" in body
    assert "Quảng trường Thành Sen" in body
    assert "Phí giao hàng" not in body


def test_the_payment_received_email_in_the_orders_language(django_capture_on_commit_callbacks):
    split = split_order(language="en", method="vietqr")
    record_payment(split.order.payment, split.order.payment.amount)
    with django_capture_on_commit_callbacks(execute=True):
        owe(split.order, Kind.BUYER_PAYMENT_RECEIVED)
    (message,) = mail.outbox
    assert message.to == ["lan@example.vn"]
    assert message.subject == "Payment received for order 100101"
    assert "We have received your payment of 840.000\xa0₫ for order 100101." in message.body
