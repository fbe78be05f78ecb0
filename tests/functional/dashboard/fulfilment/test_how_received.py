"""A producer's order pages say how each part is received: delivered (ship it), picked up at a sales point
(nothing to ship: the sales point hands it over), or at their fair booth (ready, then collected, by them)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.order.models import FulfilmentChannel, LineStatus
from shop.partner.models import StockRecord
from tests.factories import BoothFactory, SalesPointFactory, certified_product, placed_order
from tests.functional.dashboard.pickups.helpers import group_lines, sales_point_order, stock_at

pytestmark = pytest.mark.django_db

LIST_URL = reverse("dashboard:producer-order-list")


def detail_url(order):
    return reverse("dashboard:producer-order-detail", kwargs={"number": order.number})


def pickup_url(group):
    return reverse("dashboard:producer-pickup-update", kwargs={"pk": group.pk})


@pytest.fixture
def honey(producer_a):
    return certified_product(producer=producer_a, title="Mật ong rừng – chai 500 ml", stock=(Decimal("225000"), 30))


@pytest.fixture
def point(db):
    return SalesPointFactory(partner__name="Điểm bán OCOP Thành Sen")


@pytest.fixture
def at_point(point, honey):
    stock_at(point, honey)
    return sales_point_order([(honey, 2)], point, number="600001")


@pytest.fixture
def booth(producer_a):
    return BoothFactory(producer=producer_a, number="B07", fair__name="Lễ hội Cam Hà Tĩnh")


@pytest.fixture
def at_fair(honey, producer_a, booth):
    order = placed_order([(honey, 3)], number="600002")
    group_lines(order, producer_a, method=FulfilmentChannel.FAIR_PICKUP, booth=booth, pickup_on=booth.fair.starts_on)
    return order


@pytest.fixture
def delivered(honey, producer_a):
    order = placed_order([(honey, 1)], number="600003")
    group_lines(order, producer_a, shipping_charge=30000)
    return order


def test_the_list_says_how_each_order_is_received(english, staff_a, at_point, at_fair, delivered):
    english.force_login(staff_a)
    content = english.get(LIST_URL).content.decode()
    assert "Pickup at sales point Điểm bán OCOP Thành Sen" in content
    assert "Pickup at booth B07, Lễ hội Cam Hà Tĩnh" in content
    assert "Delivered to the buyer's address" in content


def test_a_sales_point_pickup_has_nothing_to_ship(english, staff_a, at_point):
    english.force_login(staff_a)
    response = english.get(detail_url(at_point))
    content = response.content.decode()
    assert 'id="nothing_to_ship"' in content and "You have nothing to ship" in content
    assert [line.actions for line in response.context["lines"]] == [[]]
    assert 'name="action" value="ship"' not in content
    line = at_point.lines.get()
    response = english.post(
        reverse("dashboard:producer-line-update", kwargs={"pk": line.pk}),
        {"action": "confirm"},
    )
    assert response.status_code == 200
    assert "collects this item at a sales point" in response.content.decode()
    line.refresh_from_db()
    assert line.status == LineStatus.NEW


def test_a_fair_pickup_is_made_ready_then_collected_by_the_producer(english, staff_a, at_fair, honey, booth):
    english.force_login(staff_a)
    at_fair.language = "en"
    at_fair.save(update_fields=["language"])
    group = at_fair.fulfilment_groups.get()
    content = english.get(detail_url(at_fair)).content.decode()
    assert "your booth B07 at Lễ hội Cam Hà Tĩnh" in content
    assert pickup_url(group) in content
    assert english.post(pickup_url(group), {"action": "ready"}).status_code == 302
    assert list(group.lines.values_list("status", flat=True)) == ["packed"]
    assert english.post(pickup_url(group), {"action": "collected"}).status_code == 302
    line = group.lines.get()
    assert (line.status, line.carrier, line.tracking_number) == ("delivered", "Collected at the fair booth", "600002")
    record = StockRecord.objects.get(product=honey, partner=honey.producer)
    assert (record.num_in_stock, record.num_allocated) == (27, 0)


def test_another_producers_fair_pickup_is_a_404(client, staff_b, at_fair):
    client.force_login(staff_b)
    group = at_fair.fulfilment_groups.get()
    assert client.post(pickup_url(group), {"action": "collected"}).status_code == 404
    assert list(group.lines.values_list("status", flat=True)) == ["new"]


def test_a_sales_point_group_cannot_be_moved_through_the_fair_pickup_url(client_a, at_point):
    group = at_point.fulfilment_groups.get()
    assert client_a.post(pickup_url(group), {"action": "collected"}).status_code == 404


def test_a_delivered_part_keeps_its_ship_actions(client_a, delivered):
    response = client_a.get(detail_url(delivered))
    assert response.context["lines"][0].actions == ["confirm", "cancel"]
    assert 'id="delivery"' in response.content.decode()


def test_the_list_query_count_stays_flat(client_a, honey, producer_a, django_assert_max_num_queries):
    def orders(start, count):
        for number in range(start, start + count):
            group_lines(placed_order([(honey, 1)], number=f"6100{number:02d}"), producer_a)

    orders(0, 2)
    with django_assert_max_num_queries(20):
        assert len(client_a.get(LIST_URL).context["orders"]) == 2
    orders(2, 6)
    with django_assert_max_num_queries(20):
        assert len(client_a.get(LIST_URL).context["orders"]) == 8
