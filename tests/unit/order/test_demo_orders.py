"""The demo orders: the demo buyer's orders over six months, in every status, and loading them twice changes nothing."""

from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from catalog.models import today
from fixtures.orders import DEMO_BUYER, DEMO_PRODUCER_STAFF, ORDERS, load_demo_orders
from shop.order.fulfilment import producer_order_summaries
from shop.order.models import Line, LineStatusEvent, Order
from tests.factories import ProducerFactory, certified_product, partner_staff

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
User = get_user_model()


@pytest.fixture
def world():
    """The curated products the demo orders use: 1–5 of htx-cam-vu-quang, the others of two more producers."""
    cam = ProducerFactory(code="htx-cam-vu-quang", name="HTX Nông nghiệp và Dịch vụ cam Vũ Quang")
    others = [ProducerFactory(), ProducerFactory()]
    numbers = sorted({n for _number, _days, _hour, lines in ORDERS for n, *_rest in lines})
    products = {n: certified_product(producer=cam if n <= 5 else others[n % 2], title=f"Sản phẩm {n}") for n in numbers}
    User.objects.create_user(username=DEMO_BUYER, email=DEMO_BUYER, password="x")
    staff = partner_staff(cam, DEMO_PRODUCER_STAFF)
    return {"cam": cam, "products": products, "staff": staff}


def snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in (Order, Line, LineStatusEvent, StockRecord)
    }


def test_the_demo_orders_cover_every_status_and_month(world):
    assert load_demo_orders(world["products"], today()) == len(ORDERS)
    orders = Order.objects.filter(number__startswith="DEMO-")
    assert orders.count() == len(ORDERS)
    assert {order.user.email for order in orders} == {DEMO_BUYER}
    statuses = Counter(Line.objects.values_list("status", flat=True))
    assert set(statuses) == {"new", "confirmed", "packed", "shipped", "delivered", "cancelled"}
    months = {order.date_placed.strftime("%Y-%m") for order in orders}
    assert len(months) >= 5
    assert max(order.date_placed for order in orders).date() < today()
    assert min(order.date_placed for order in orders).date() <= today() - timedelta(days=150)
    # Orders mixing the demo producer's lines and other producers'.
    mixed = [order for order in orders if len({line.partner_id for line in order.lines.all()}) > 1]
    assert len(mixed) >= 5
    assert producer_order_summaries(world["cam"]).count() == 12


def test_each_line_has_the_steps_of_its_status_and_its_parcel(world):
    load_demo_orders(world["products"], today())
    for line in Line.objects.select_related("order"):
        steps = list(line.status_events.values_list("status", flat=True))
        expected = {
            "new": [],
            "confirmed": ["confirmed"],
            "packed": ["confirmed", "packed"],
            "shipped": ["confirmed", "packed", "shipped"],
            "delivered": ["confirmed", "packed", "shipped", "delivered"],
            "cancelled": ["cancelled"],
        }[line.status]
        assert steps == expected, line
        times = list(line.status_events.values_list("changed_at", flat=True))
        assert times == sorted(times) and all(time > line.order.date_placed for time in times)
        if line.status in ("shipped", "delivered"):
            assert line.carrier and line.tracking_number
        if line.status == "cancelled":
            assert line.cancellation_reason and line.allocation_cancelled
        movers = set(line.status_events.values_list("changed_by", flat=True))
        if steps and line.partner == world["cam"]:
            assert movers == {world["staff"].pk}
    assert not LineStatusEvent.objects.filter(buyer_notified_at__isnull=True).exists()


def test_open_lines_keep_their_stock_allocated_and_the_counts_stay(world):
    counts = {record.pk: record.num_in_stock for record in StockRecord.objects.all()}
    load_demo_orders(world["products"], today())
    open_quantities = Counter()
    for line in Line.objects.filter(status__in=["new", "confirmed", "packed"]):
        open_quantities[line.stockrecord_id] += line.quantity
    for record in StockRecord.objects.all():
        assert record.num_in_stock == counts[record.pk]
        assert (record.num_allocated or 0) == open_quantities[record.pk], record


def test_loading_twice_changes_nothing(world):
    load_demo_orders(world["products"], today())
    before = snapshot()
    assert load_demo_orders(world["products"], today()) == len(ORDERS)
    assert snapshot() == before
