"""A producer's orders in the dashboard: their own lines only, moved on step by step, another producer's a 404."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.dashboard.fulfilment.views import ProducerOrderListView
from shop.order.fulfilment import advance_line
from shop.order.models import LineStatus
from tests.factories import certified_product, placed_order

pytestmark = pytest.mark.django_db

User = get_user_model()

LIST_URL = reverse("dashboard:producer-order-list")


def detail_url(order):
    return reverse("dashboard:producer-order-detail", kwargs={"number": order.number})


def line_url(line):
    return reverse("dashboard:producer-line-update", kwargs={"pk": line.pk})


@pytest.fixture
def buyer(db):
    return User.objects.create_user(username="lan@example.vn", email="lan@example.vn", password="x")


@pytest.fixture
def honey(producer_a):
    return certified_product(
        producer=producer_a, title="Mật ong rừng Hương Sơn – chai 500 ml", stock=(Decimal("225000"), 30)
    )


@pytest.fixture
def nem(producer_b):
    return certified_product(producer=producer_b, title="Nem chua Thanh Hóa – gói 500 g", stock=(Decimal("87000"), 40))


@pytest.fixture
def mixed_order(honey, nem, buyer):
    """An order holding a line of A (2 × 225.000) and a line of B (5 × 87.000)."""
    return placed_order([(honey, 2), (nem, 5)], user=buyer, number="500001")


@pytest.fixture
def b_order(nem, buyer):
    return placed_order([(nem, 1)], user=buyer, number="500002")


def a_line(order, producer_a):
    return order.lines.get(partner=producer_a)


# --- the list -----------------------------------------------------------------


def test_the_list_shows_the_orders_holding_the_producers_lines_and_only_their_part(
    client_a, mixed_order, b_order, honey, buyer
):
    own_only = placed_order([(honey, 1)], user=buyer, number="500003")
    response = client_a.get(LIST_URL)
    assert response.status_code == 200
    orders = list(response.context["orders"])
    assert [o.number for o in orders] == ["500003", "500001"]  # newest first, B's own order absent
    mixed = orders[1]
    assert (mixed.producer_line_count, mixed.producer_total) == (1, Decimal("450000"))
    assert [line.title for line in mixed.producer_lines] == [honey.title]
    content = response.content.decode()
    assert "500002" not in content
    assert "Nem chua" not in content
    assert "450.000" in content
    assert "885.000" not in content  # the order's total counts B's line
    assert "Lan" in content  # the buyer, from the delivery address
    assert own_only.number in content


def test_the_list_filters_by_the_status_of_the_producers_lines(
    client_a, mixed_order, honey, buyer, staff_a, producer_a
):
    placed_order([(honey, 1)], user=buyer, number="500004")
    advance_line(a_line(mixed_order, producer_a), LineStatus.CONFIRMED, user=staff_a)
    response = client_a.get(LIST_URL, {"status": "confirmed"})
    assert [o.number for o in response.context["orders"]] == ["500001"]
    response = client_a.get(LIST_URL, {"status": "new"})
    assert [o.number for o in response.context["orders"]] == ["500004"]
    response = client_a.get(LIST_URL, {"status": "lost"})  # not a status: the whole list
    assert [o.number for o in response.context["orders"]] == ["500004", "500001"]


def test_a_b_line_status_does_not_put_an_order_in_as_filter(client_a, mixed_order, producer_b, staff_b):
    advance_line(mixed_order.lines.get(partner=producer_b), LineStatus.CONFIRMED, user=staff_b)
    response = client_a.get(LIST_URL, {"status": "confirmed"})
    assert list(response.context["orders"]) == []


def test_the_list_is_paginated(client_a, honey, buyer, monkeypatch):
    monkeypatch.setattr(ProducerOrderListView, "paginate_by", 2)
    for number in ("600001", "600002", "600003"):
        placed_order([(honey, 1)], user=buyer, number=number)
    first = client_a.get(LIST_URL)
    assert [o.number for o in first.context["orders"]] == ["600003", "600002"]
    second = client_a.get(LIST_URL, {"page": 2})
    assert [o.number for o in second.context["orders"]] == ["600001"]


def test_the_list_query_count_stays_flat(client_a, honey, nem, buyer, django_assert_max_num_queries):
    placed_order([(honey, 1), (nem, 1)], user=buyer)
    with CaptureQueriesContext(connection) as few:
        client_a.get(LIST_URL)
    for _ in range(4):
        placed_order([(honey, 2), (nem, 1)], user=buyer)
    with django_assert_max_num_queries(len(few)):
        response = client_a.get(LIST_URL)
    assert len(response.context["orders"]) == 5


def test_the_list_is_for_producer_staff_only(client, buyer, mixed_order):
    assert client.get(LIST_URL).status_code == 302  # to the dashboard login
    client.force_login(buyer)
    assert client.get(LIST_URL).status_code in (302, 403)


# --- an order -----------------------------------------------------------------


def test_the_order_shows_the_producers_lines_and_the_delivery_details_and_nothing_of_b(
    client_a, mixed_order, producer_a, honey
):
    response = client_a.get(detail_url(mixed_order))
    assert response.status_code == 200
    content = response.content.decode()
    line = a_line(mixed_order, producer_a)
    for shown in (
        honey.title,
        line.partner_sku,
        "225.000",
        "450.000",
        "+84912345678",
        "12 Trần Phú",
        "Gọi trước khi giao",
    ):
        assert shown in content, shown
    assert mixed_order.shipping_address.name in content
    assert [line.pk for line in response.context["lines"]] == [line.pk]
    b_line = mixed_order.lines.exclude(partner=producer_a).get()
    for hidden in ("Nem chua", b_line.partner_sku, "87.000", "435.000", "885.000"):
        assert hidden not in content, hidden


def test_an_order_without_the_producers_lines_is_a_404(client_a, b_order):
    assert client_a.get(detail_url(b_order)).status_code == 404
    assert client_a.get(reverse("dashboard:producer-order-detail", kwargs={"number": "nope"})).status_code == 404


def test_the_order_shows_each_lines_history_and_the_next_steps(client_a, mixed_order, producer_a, staff_a):
    line = a_line(mixed_order, producer_a)
    advance_line(line, LineStatus.CONFIRMED, user=staff_a)
    response = client_a.get(detail_url(mixed_order))
    shown = response.context["lines"][0]
    assert shown.actions == ["pack", "cancel"]
    assert [event.status for event in shown.status_events.all()] == ["confirmed"]
    assert 'value="pack"' in response.content.decode()
    assert 'value="confirm"' not in response.content.decode()


# --- moving a line ------------------------------------------------------------


def test_each_action_moves_the_line_and_returns_to_the_order(client_a, mixed_order, producer_a, staff_a):
    line = a_line(mixed_order, producer_a)
    steps = [
        ({"action": "confirm"}, LineStatus.CONFIRMED),
        ({"action": "pack"}, LineStatus.PACKED),
        ({"action": "ship", "carrier": "Viettel Post", "tracking_number": "VTP0001"}, LineStatus.SHIPPED),
        ({"action": "deliver"}, LineStatus.DELIVERED),
    ]
    for data, status in steps:
        response = client_a.post(line_url(line), data)
        assert response.status_code == 302
        assert response.url == detail_url(mixed_order)
        line.refresh_from_db()
        assert line.status == status
    assert (line.carrier, line.tracking_number) == ("Viettel Post", "VTP0001")
    assert list(line.status_events.values_list("status", "changed_by")) == [
        (status, staff_a.pk) for _data, status in steps
    ]
    page = client_a.get(detail_url(mixed_order))
    assert "VTP0001" in page.content.decode()


def test_a_success_message_follows_the_step(client_a, mixed_order, producer_a):
    response = client_a.post(line_url(a_line(mixed_order, producer_a)), {"action": "confirm"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "Mật ong rừng Hương Sơn" in messages[0]


def test_shipping_without_a_tracking_number_shows_the_error_and_keeps_the_carrier(
    client_a, mixed_order, producer_a, staff_a
):
    line = a_line(mixed_order, producer_a)
    advance_line(line, LineStatus.CONFIRMED, user=staff_a)
    advance_line(line, LineStatus.PACKED, user=staff_a)
    response = client_a.post(line_url(line), {"action": "ship", "carrier": "Giao Hàng Nhanh", "tracking_number": ""})
    assert response.status_code == 200
    form = response.context["lines"][0].form
    assert set(form.errors) == {"tracking_number"}
    content = response.content.decode()
    assert 'value="Giao Hàng Nhanh"' in content
    assert "is-invalid" in content
    line.refresh_from_db()
    assert line.status == LineStatus.PACKED
    assert line.stockrecord.num_in_stock == 30


def test_cancelling_without_a_reason_shows_the_error(client_a, mixed_order, producer_a):
    line = a_line(mixed_order, producer_a)
    response = client_a.post(line_url(line), {"action": "cancel", "reason": " "})
    assert response.status_code == 200
    assert set(response.context["lines"][0].form.errors) == {"reason"}
    line.refresh_from_db()
    assert line.status == LineStatus.NEW


def test_cancelling_with_a_reason_returns_the_stock_and_tells_the_buyer(
    client_a, mixed_order, producer_a, django_capture_on_commit_callbacks
):
    line = a_line(mixed_order, producer_a)
    assert line.stockrecord.net_stock_level == 28
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(line_url(line), {"action": "cancel", "reason": "Mật ong vụ này đã hết"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == LineStatus.CANCELLED
    line.stockrecord.refresh_from_db()
    assert line.stockrecord.net_stock_level == 30
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lan@example.vn"]
    assert "Mật ong vụ này đã hết" in mail.outbox[0].body


def test_a_step_the_line_cannot_take_is_shown_as_an_error(client_a, mixed_order, producer_a):
    line = a_line(mixed_order, producer_a)
    response = client_a.post(line_url(line), {"action": "deliver"})
    assert response.status_code == 200
    assert response.context["lines"][0].form.non_field_errors()
    line.refresh_from_db()
    assert line.status == LineStatus.NEW
    assert not line.status_events.exists()


def test_an_unknown_action_changes_nothing(client_a, mixed_order, producer_a):
    line = a_line(mixed_order, producer_a)
    response = client_a.post(line_url(line), {"action": "refund"})
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.status == LineStatus.NEW


def test_a_double_post_moves_the_line_once(client_a, mixed_order, producer_a, django_capture_on_commit_callbacks):
    line = a_line(mixed_order, producer_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = client_a.post(line_url(line), {"action": "confirm"})
        second = client_a.post(line_url(line), {"action": "confirm"}, follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    line.refresh_from_db()
    assert line.status == LineStatus.CONFIRMED
    assert line.status_events.count() == 1
    assert len(mail.outbox) == 1


def test_extra_posted_fields_change_nothing_else(client_a, mixed_order, producer_a, producer_b):
    line = a_line(mixed_order, producer_a)
    client_a.post(
        line_url(line),
        {"action": "confirm", "status": "delivered", "partner": producer_b.pk, "quantity": 99, "order": 1},
    )
    line.refresh_from_db()
    assert (line.status, line.partner_id, line.quantity) == (LineStatus.CONFIRMED, producer_a.pk, 2)


def test_the_line_url_is_post_only(client_a, mixed_order, producer_a):
    assert client_a.get(line_url(a_line(mixed_order, producer_a))).status_code == 405


# --- isolation: B's order and line are a 404 for A, whatever the method ---------


def test_bs_order_is_a_404_for_a_get_and_post(client_a, b_order):
    assert client_a.get(detail_url(b_order)).status_code == 404
    assert client_a.post(detail_url(b_order), {"action": "confirm"}).status_code == 404


def test_the_order_url_is_get_only(client_a, mixed_order):
    assert client_a.post(detail_url(mixed_order)).status_code == 405


@pytest.mark.parametrize("data", [{"action": "confirm"}, {"action": "cancel", "reason": "x"}])
def test_bs_line_is_a_404_for_a_get_and_post(client_a, mixed_order, producer_b, data):
    b_line = mixed_order.lines.get(partner=producer_b)
    assert client_a.get(line_url(b_line)).status_code == 404
    assert client_a.post(line_url(b_line), data).status_code == 404
    b_line.refresh_from_db()
    assert b_line.status == LineStatus.NEW
    assert not b_line.status_events.exists()


def test_b_sees_only_bs_line_of_the_mixed_order(client, staff_b, mixed_order, honey):
    client.force_login(staff_b)
    content = client.get(detail_url(mixed_order)).content.decode()
    assert "Nem chua Thanh Hóa" in content and "435.000" in content
    assert honey.title not in content and "450.000" not in content and "885.000" not in content
