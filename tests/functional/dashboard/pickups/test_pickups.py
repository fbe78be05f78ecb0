"""A sales point's pickups: only its own, ready and collected through the line pipeline (the sales
point's stock consumed at collection), cancelled with a reason (its stock freed); producers kept out."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from shop.dashboard.nav import dashboard_access_fn
from shop.order.models import LineStatus
from shop.partner.models import StockRecord
from shop.payments.models import PaymentMethod, PaymentState
from tests.factories import SalesPointFactory, certified_product, partner_staff
from tests.functional.dashboard.pickups.helpers import payment_for, sales_point_order, stock_at

pytestmark = pytest.mark.django_db

User = get_user_model()
LIST_URL = reverse("dashboard:pickup-list")


def action_url(group):
    return reverse("dashboard:pickup-action", kwargs={"pk": group.pk})


@pytest.fixture
def buyer(db):
    return User.objects.create_user(
        username="lan@example.vn", email="lan@example.vn", password="x", first_name="Lan", last_name="Nguyễn"
    )


@pytest.fixture
def honey(producer_a):
    return certified_product(
        producer=producer_a, title="Mật ong rừng Hương Sơn – chai 500 ml", stock=(Decimal("225000"), 30)
    )


@pytest.fixture
def point(db):
    return SalesPointFactory(partner__name="Điểm bán OCOP Thành Sen", partner__code="diem-ban-thanh-sen")


@pytest.fixture
def other_point(db):
    return SalesPointFactory(partner__name="Điểm bán OCOP Hồng Lĩnh", partner__code="diem-ban-hong-linh")


@pytest.fixture
def operator(point):
    return partner_staff(point.partner, "quay@thanhsen.vn")


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def point_stock(point, honey):
    return stock_at(point, honey, num_in_stock=10)


@pytest.fixture
def pickup(point, point_stock, honey, buyer):
    order = sales_point_order([(honey, 3)], point, user=buyer, number="700001")
    return order.fulfilment_groups.get()


def statuses(group):
    return sorted(group.lines.values_list("status", flat=True))


def test_the_list_shows_this_sales_points_open_pickups_with_the_buyer(
    operator_client, pickup, other_point, honey, buyer
):
    stock_at(other_point, honey)
    sales_point_order([(honey, 1)], other_point, user=buyer, number="700002")
    response = operator_client.get(LIST_URL)
    assert response.status_code == 200
    assert [group.order.number for group in response.context["groups"]] == ["700001"]
    content = response.content.decode()
    assert "700002" not in content
    assert "Lan Nguyễn Thị" in content  # the name on the order's address
    assert "+84912345678" in content
    assert "Mật ong rừng Hương Sơn" in content


def test_another_sales_points_pickup_is_a_404(client, pickup, other_point):
    client.force_login(partner_staff(other_point.partner, "quay@honglinh.vn"))
    assert client.post(action_url(pickup), {"action": "ready"}).status_code == 404
    assert client.get(action_url(pickup)).status_code == 404
    assert statuses(pickup) == ["new"]


def test_a_producers_staff_cannot_open_the_pickups(client, staff_a, pickup):
    client.force_login(staff_a)
    assert client.get(LIST_URL).status_code == 403
    assert client.post(action_url(pickup), {"action": "collected"}).status_code == 403
    assert not dashboard_access_fn(staff_a, "dashboard:pickup-list")


def test_the_menu_offers_pickups_to_the_operator_only(operator, staff_a):
    assert dashboard_access_fn(operator, "dashboard:pickup-list")
    assert not dashboard_access_fn(operator, "dashboard:producer-shipping-rate")
    assert not dashboard_access_fn(operator, "dashboard:transfer-list")


def test_ready_confirms_and_packs_every_line(operator_client, pickup, operator):
    response = operator_client.post(action_url(pickup), {"action": "ready"})
    assert response.status_code == 302
    assert statuses(pickup) == ["packed"]
    line = pickup.lines.get()
    assert [event.status for event in line.status_events.all()] == ["confirmed", "packed"]
    assert line.status_events.last().changed_by == operator
    # a second click changes nothing
    operator_client.post(action_url(pickup), {"action": "ready"})
    assert line.status_events.count() == 2


def test_collected_ships_and_delivers_consuming_the_sales_points_stock(operator_client, pickup, point_stock, honey):
    producer_record = StockRecord.objects.get(product=honey, partner=honey.producer)
    point_stock.refresh_from_db()
    assert (point_stock.num_in_stock, point_stock.num_allocated) == (10, 3)
    response = operator_client.post(action_url(pickup), {"action": "collected"})
    assert response.status_code == 302
    line = pickup.lines.get()
    assert line.status == LineStatus.DELIVERED
    with translation.override("vi"):
        assert line.carrier == translation.gettext("Collected at the sales point")
    assert line.tracking_number == "700001"
    point_stock.refresh_from_db()
    assert (point_stock.num_in_stock, point_stock.num_allocated) == (7, 0)
    producer_record.refresh_from_db()
    assert (producer_record.num_in_stock, producer_record.num_allocated or 0) == (30, 0)
    assert [e.status for e in line.status_events.all()] == ["confirmed", "packed", "shipped", "delivered"]
    # collected twice: the stock leaves once
    operator_client.post(action_url(pickup), {"action": "collected"})
    point_stock.refresh_from_db()
    assert point_stock.num_in_stock == 7


def test_collected_is_refused_while_a_transfer_is_awaited(operator_client, pickup, point_stock):
    payment_for(pickup.order, PaymentMethod.VIETQR)
    operator_client.cookies["django_language"] = "en"
    response = operator_client.post(action_url(pickup), {"action": "collected"})
    assert response.status_code == 200
    assert "The buyer has not paid yet" in response.content.decode()
    assert statuses(pickup) == ["new"]
    point_stock.refresh_from_db()
    assert point_stock.num_in_stock == 10


def test_cash_to_collect_is_shown_and_collection_allowed(operator_client, pickup):
    payment_for(pickup.order, PaymentMethod.CASH)
    response = operator_client.get(LIST_URL)
    assert response.context["groups"][0].payment.state == PaymentState.TO_COLLECT
    assert operator_client.post(action_url(pickup), {"action": "collected"}).status_code == 302
    assert statuses(pickup) == ["delivered"]


def test_cancel_needs_a_reason_and_frees_the_sales_points_stock(operator_client, pickup, point_stock):
    response = operator_client.post(action_url(pickup), {"action": "cancel", "reason": "  "})
    assert response.status_code == 200
    assert response.context["groups"][0].form.errors["reason"]
    assert statuses(pickup) == ["new"]
    response = operator_client.post(action_url(pickup), {"action": "cancel", "reason": "Khách không đến nhận"})
    assert response.status_code == 302
    line = pickup.lines.get()
    assert (line.status, line.cancellation_reason) == ("cancelled", "Khách không đến nhận")
    point_stock.refresh_from_db()
    assert (point_stock.num_in_stock, point_stock.num_allocated) == (10, 0)
    # no longer listed, but shown with ?show=all
    assert list(operator_client.get(LIST_URL).context["groups"]) == []
    assert [g.pk for g in operator_client.get(LIST_URL + "?show=all").context["groups"]] == [pickup.pk]


def test_the_list_query_count_stays_flat(
    operator_client, point, point_stock, honey, buyer, django_assert_max_num_queries
):
    for number in range(3):
        sales_point_order([(honey, 1)], point, user=buyer, number=f"70010{number}")
    with django_assert_max_num_queries(20):
        response = operator_client.get(LIST_URL)
    assert len(response.context["groups"]) == 3
    for number in range(3, 8):
        sales_point_order([(honey, 1)], point, user=buyer, number=f"70010{number}")
    with django_assert_max_num_queries(20):
        response = operator_client.get(LIST_URL)
    assert len(response.context["groups"]) == 8
