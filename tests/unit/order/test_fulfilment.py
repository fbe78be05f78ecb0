"""A producer's order lines: each step of the pipeline, its history, the stock it moves, the buyer's e-mail."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from shop.order.fulfilment import (
    advance_line,
    available_actions,
    buyer_name,
    cancel_line,
    orders_for_producer,
    producer_lines,
    producer_order_summaries,
)
from shop.order.models import LineStatus, LineStatusEvent
from shop.partner.models import StockRecordChange
from tests.factories import ProducerFactory, certified_product, partner_staff, placed_order

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def producer():
    return ProducerFactory(name="HTX Cam Vũ Quang")


@pytest.fixture
def staff(producer):
    return partner_staff(producer, "hung@example.vn")


@pytest.fixture
def buyer():
    return User.objects.create_user(
        username="lan@example.vn", email="lan@example.vn", password="x", first_name="Nguyễn Thị", last_name="Lan"
    )


@pytest.fixture
def product(producer):
    return certified_product(producer=producer, title="Cam bù Vũ Quang – thùng 5 kg", stock=(Decimal("225000"), 20))


@pytest.fixture
def line(product, buyer):
    order = placed_order([(product, 3)], user=buyer, number="100001")
    return order.lines.get()


def stock_of(line):
    record = line.stockrecord
    record.refresh_from_db()
    return record.num_in_stock, record.num_allocated


def walk(line, staff, *statuses):
    for status in statuses:
        kwargs = {"carrier": "Viettel Post", "tracking_number": "VTP123"} if status == LineStatus.SHIPPED else {}
        assert advance_line(line, status, user=staff, **kwargs) is True


# --- the pipeline -------------------------------------------------------------


def test_a_placed_line_is_new_with_its_stock_allocated(line):
    assert line.status == LineStatus.NEW
    assert stock_of(line) == (20, 3)
    assert available_actions(line) == ["confirm", "cancel"]


def test_each_step_of_the_pipeline_is_recorded_with_who_took_it(line, staff):
    for status, actions in [
        (LineStatus.CONFIRMED, ["pack", "cancel"]),
        (LineStatus.PACKED, ["ship", "cancel"]),
        (LineStatus.SHIPPED, ["deliver"]),
        (LineStatus.DELIVERED, []),
    ]:
        walk(line, staff, status)
        line.refresh_from_db()
        assert line.status == status
        assert available_actions(line) == actions
    events = list(line.status_events.values_list("status", "changed_by"))
    assert events == [
        ("confirmed", staff.pk),
        ("packed", staff.pk),
        ("shipped", staff.pk),
        ("delivered", staff.pk),
    ]
    assert line.status_events.get(status="shipped").note == "Viettel Post · VTP123"


@pytest.mark.parametrize(
    ("done", "target"),
    [
        ((), LineStatus.PACKED),
        ((), LineStatus.SHIPPED),
        ((), LineStatus.DELIVERED),
        ((LineStatus.CONFIRMED,), LineStatus.DELIVERED),
        ((LineStatus.CONFIRMED, LineStatus.PACKED, LineStatus.SHIPPED), LineStatus.CONFIRMED),
        ((LineStatus.CONFIRMED, LineStatus.PACKED, LineStatus.SHIPPED, LineStatus.DELIVERED), LineStatus.PACKED),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(line, staff, done, target):
    walk(line, staff, *done)
    before = (line.status, line.status_events.count(), stock_of(line))
    with pytest.raises(ValidationError) as refused:
        advance_line(line, target, user=staff, carrier="Viettel Post", tracking_number="VTP123")
    assert str(LineStatus(target).label) in refused.value.messages[0]
    line.refresh_from_db()
    assert (line.status, line.status_events.count(), stock_of(line)) == before


def test_cancelling_is_not_a_forward_step(line, staff):
    with pytest.raises(ValidationError):
        advance_line(line, LineStatus.CANCELLED, user=staff)
    with pytest.raises(ValidationError):
        advance_line(line, "lost", user=staff)
    line.refresh_from_db()
    assert line.status == LineStatus.NEW


def test_shipping_needs_the_carrier_and_the_tracking_number(line, staff):
    walk(line, staff, LineStatus.CONFIRMED, LineStatus.PACKED)
    with pytest.raises(ValidationError) as refused:
        advance_line(line, LineStatus.SHIPPED, user=staff, carrier="  ", tracking_number="")
    assert set(refused.value.message_dict) == {"carrier", "tracking_number"}
    with pytest.raises(ValidationError) as refused:
        advance_line(line, LineStatus.SHIPPED, user=staff, carrier="GHN")
    assert set(refused.value.message_dict) == {"tracking_number"}
    line.refresh_from_db()
    assert line.status == LineStatus.PACKED
    assert stock_of(line) == (20, 3)


def test_shipping_takes_the_allocated_units_out_of_the_stock(line, staff):
    walk(line, staff, LineStatus.CONFIRMED, LineStatus.PACKED)
    advance_line(line, LineStatus.SHIPPED, user=staff, carrier=" Viettel Post ", tracking_number=" VTP123 ")
    assert (line.carrier, line.tracking_number) == ("Viettel Post", "VTP123")
    assert stock_of(line) == (17, 0)
    assert line.num_allocated == 0
    change = StockRecordChange.objects.get(stockrecord=line.stockrecord)
    assert (change.source, change.num_in_stock_before, change.num_in_stock_after) == ("order_shipped", 20, 17)
    assert change.price_before == change.price_after == Decimal("225000")
    assert change.changed_by == staff
    assert "100001" in change.note and "Cam bù Vũ Quang" in change.note
    walk(line, staff, LineStatus.DELIVERED)
    assert stock_of(line) == (17, 0)
    assert StockRecordChange.objects.count() == 1


def test_repeating_a_step_moves_the_line_once(line, staff):
    assert advance_line(line, LineStatus.CONFIRMED, user=staff) is True
    assert advance_line(line, LineStatus.CONFIRMED, user=staff) is False
    walk(line, staff, LineStatus.PACKED, LineStatus.SHIPPED)
    assert advance_line(line, LineStatus.SHIPPED, user=staff, carrier="GHN", tracking_number="OTHER") is False
    line.refresh_from_db()
    assert line.tracking_number == "VTP123"
    assert stock_of(line) == (17, 0)
    assert list(line.status_events.values_list("status", flat=True)) == ["confirmed", "packed", "shipped"]


# --- cancelling ---------------------------------------------------------------


@pytest.mark.parametrize("done", [(), (LineStatus.CONFIRMED,), (LineStatus.CONFIRMED, LineStatus.PACKED)])
def test_cancelling_before_shipping_returns_the_stock(line, staff, product, done):
    walk(line, staff, *done)
    record = line.stockrecord
    assert record.net_stock_level == 17
    assert cancel_line(line, user=staff, reason="Hết hàng do mưa bão") is True
    assert line.status == LineStatus.CANCELLED
    assert line.cancellation_reason == "Hết hàng do mưa bão"
    assert line.allocation_cancelled
    assert stock_of(line) == (20, 0)
    record.refresh_from_db()
    assert record.net_stock_level == 20
    event = line.status_events.last()
    assert (event.status, event.note, event.changed_by) == ("cancelled", "Hết hàng do mưa bão", staff)
    assert cancel_line(line, user=staff, reason="again") is False
    assert stock_of(line) == (20, 0)
    assert not StockRecordChange.objects.exists()  # the count in stock never changed
    assert line.status_events.filter(status="cancelled").count() == 1


def test_cancelling_needs_a_reason(line, staff):
    with pytest.raises(ValidationError) as refused:
        cancel_line(line, user=staff, reason="   ")
    assert set(refused.value.message_dict) == {"reason"}
    line.refresh_from_db()
    assert line.status == LineStatus.NEW
    assert stock_of(line) == (20, 3)
    assert not LineStatusEvent.objects.exists()


@pytest.mark.parametrize("done", [(LineStatus.SHIPPED,), (LineStatus.SHIPPED, LineStatus.DELIVERED)])
def test_a_shipped_line_cannot_be_cancelled(line, staff, done):
    walk(line, staff, LineStatus.CONFIRMED, LineStatus.PACKED, *done)
    with pytest.raises(ValidationError):
        cancel_line(line, user=staff, reason="Khách đổi ý")
    line.refresh_from_db()
    assert line.status == done[-1]
    assert line.cancellation_reason == ""
    assert stock_of(line) == (17, 0)


# --- the buyer's e-mail -------------------------------------------------------


def test_the_buyer_is_emailed_after_the_commit(line, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        advance_line(line, LineStatus.CONFIRMED, user=staff)
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lan@example.vn"]
    assert message.extra_headers["Content-Language"] == "vi"
    assert "100001" in message.subject and "Cam bù Vũ Quang – thùng 5 kg" in message.subject
    assert "đã được xác nhận" in message.subject
    assert "HTX Cam Vũ Quang" in message.body
    order_url = settings.SITE_URL.rstrip("/") + reverse("customer:order", kwargs={"order_number": "100001"})
    assert order_url in message.body
    assert line.status_events.get().buyer_notified_at is not None


def test_an_english_speaking_buyer_is_emailed_in_english(line, staff, django_capture_on_commit_callbacks):
    line.order.language = "en"
    line.order.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        advance_line(line, LineStatus.CONFIRMED, user=staff)
    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "en"
    assert message.subject == "Order 100001: Cam bù Vũ Quang – thùng 5 kg is confirmed"


def test_the_shipping_email_gives_the_carrier_and_tracking_number(line, staff, django_capture_on_commit_callbacks):
    walk(line, staff, LineStatus.CONFIRMED, LineStatus.PACKED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        advance_line(line, LineStatus.SHIPPED, user=staff, carrier="Viettel Post", tracking_number="VTP123456")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Viettel Post" in body and "VTP123456" in body
    assert "Cam bù Vũ Quang – thùng 5 kg" in body
    assert "Đơn vị vận chuyển" in body


def test_the_cancel_email_gives_the_reason(line, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cancel_line(line, user=staff, reason="Lô cam bị dập do vận chuyển")
    assert len(mail.outbox) == 1
    assert "Lô cam bị dập do vận chuyển" in mail.outbox[0].body
    assert "đã bị hủy" in mail.outbox[0].subject


def test_a_guest_is_emailed_at_their_address_with_the_signed_status_link(
    product, staff, django_capture_on_commit_callbacks
):
    order = placed_order([(product, 1)], number="100002")
    order.guest_email = "khach@example.vn"
    order.save()
    with django_capture_on_commit_callbacks(execute=True):
        advance_line(order.lines.get(), LineStatus.CONFIRMED, user=staff)
    message = mail.outbox[0]
    assert message.to == ["khach@example.vn"]
    assert f"/order-status/100002/{order.verification_hash()}/" in message.body


def test_a_repeated_step_and_a_rerun_task_send_no_second_email(line, staff, django_capture_on_commit_callbacks):
    from shop.order.tasks import notify_buyer_of_line_step

    with django_capture_on_commit_callbacks(execute=True):
        advance_line(line, LineStatus.CONFIRMED, user=staff)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        advance_line(line, LineStatus.CONFIRMED, user=staff)
    assert callbacks == []
    assert notify_buyer_of_line_step.delay(line.status_events.get().pk).get() is False
    assert len(mail.outbox) == 1


# --- what a producer sees -----------------------------------------------------


def test_a_producer_sees_only_orders_and_lines_of_their_own(producer, product, buyer):
    other = certified_product(title="Nem chua Thanh Hóa")
    mixed = placed_order([(product, 2), (other, 5)], user=buyer, number="200001")
    theirs = placed_order([(other, 1)], user=buyer, number="200002")
    mine = placed_order([(product, 1)], user=buyer, number="200003")
    assert set(orders_for_producer(producer)) == {mixed, mine}
    assert [line.title for line in producer_lines(mixed, producer)] == ["Cam bù Vũ Quang – thùng 5 kg"]
    assert list(orders_for_producer(other.producer).order_by("number")) == [mixed, theirs]

    summaries = {order.number: order for order in producer_order_summaries(producer)}
    assert set(summaries) == {"200001", "200003"}
    assert summaries["200001"].producer_line_count == 1
    assert summaries["200001"].producer_total == Decimal("450000")
    assert [line.title for line in summaries["200001"].producer_lines] == ["Cam bù Vũ Quang – thùng 5 kg"]


def test_summaries_filter_by_the_status_of_the_producers_lines(producer, product, staff, buyer):
    other = certified_product(title="Nem chua Thanh Hóa")
    first = placed_order([(product, 1), (other, 1)], user=buyer, number="300001")
    placed_order([(product, 1)], user=buyer, number="300002")
    advance_line(first.lines.get(partner=producer), LineStatus.CONFIRMED, user=staff)
    advance_line(first.lines.get(partner=other.producer), LineStatus.CONFIRMED, user=None)
    assert [o.number for o in producer_order_summaries(producer, "confirmed")] == ["300001"]
    assert [o.number for o in producer_order_summaries(producer, "new")] == ["300002"]
    assert [o.number for o in producer_order_summaries(producer)] == ["300002", "300001"]


def test_the_buyer_is_named_from_the_delivery_address(line):
    assert buyer_name(line.order) == line.order.shipping_address.name
    assert "Lan" in buyer_name(line.order)
