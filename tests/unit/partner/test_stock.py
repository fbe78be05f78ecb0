"""change_stock_record: price and stock go live at once, each change is in the history, bad values change nothing."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import translation

from shop.partner.models import StockRecord, StockRecordChange
from shop.partner.stock import (
    DEFAULT_LOW_STOCK_THRESHOLD,
    change_stock_record,
    is_low_stock,
    low_stock,
    set_low_stock_threshold,
    with_stock_levels,
)
from tests.factories import ProducerFactory, ProductFactory, partner_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def stockrecord():
    return ProductFactory(stock=(Decimal("250000"), 50)).stockrecords.get()


@pytest.fixture
def user(stockrecord):
    return partner_staff(stockrecord.partner)


def test_a_change_goes_live_and_is_recorded(stockrecord, user):
    change = change_stock_record(stockrecord, price=Decimal("265000"), num_in_stock=40, user=user, note="Tết")

    stored = StockRecord.objects.get(pk=stockrecord.pk)
    assert stored.price == Decimal("265000") and stored.num_in_stock == 40
    assert (stockrecord.price, stockrecord.num_in_stock) == (Decimal("265000"), 40)
    assert change == StockRecordChange.objects.get(stockrecord=stockrecord)
    assert (change.price_before, change.price_after) == (Decimal("250000"), Decimal("265000"))
    assert (change.num_in_stock_before, change.num_in_stock_after) == (50, 40)
    assert change.changed_by == user
    assert change.source == StockRecordChange.Source.DASHBOARD
    assert change.note == "Tết"
    assert change.changed_at is not None
    assert change.price_changed and change.num_in_stock_changed


def test_only_the_given_values_change(stockrecord):
    change = change_stock_record(stockrecord, num_in_stock=7, source="import", note="import 12")
    stored = StockRecord.objects.get(pk=stockrecord.pk)
    assert (stored.price, stored.num_in_stock) == (Decimal("250000"), 7)
    assert (change.price_before, change.price_after) == (Decimal("250000"), Decimal("250000"))
    assert not change.price_changed and change.num_in_stock_changed
    assert change.source == "import" and change.changed_by is None

    change = change_stock_record(stockrecord, price="300000")
    assert StockRecord.objects.get(pk=stockrecord.pk).num_in_stock == 7
    assert change.price_after == Decimal("300000")


def test_nothing_changed_returns_none_and_writes_no_history(stockrecord):
    assert change_stock_record(stockrecord) is None
    assert change_stock_record(stockrecord, price=250000, num_in_stock=50) is None
    assert change_stock_record(stockrecord, price=Decimal("250000.00")) is None
    assert not StockRecordChange.objects.exists()


def test_history_is_kept_newest_first(stockrecord):
    change_stock_record(stockrecord, num_in_stock=49, source="order_shipped")
    change_stock_record(stockrecord, num_in_stock=50, source="order_cancelled", note="Khách huỷ")
    change_stock_record(stockrecord, price=240000)
    history = list(stockrecord.changes.all())
    assert [change.source for change in history] == ["dashboard", "order_cancelled", "order_shipped"]
    assert [(c.num_in_stock_before, c.num_in_stock_after) for c in reversed(history)] == [(50, 49), (49, 50), (50, 50)]


def test_the_change_starts_from_the_database_not_from_a_stale_instance(stockrecord):
    stale = StockRecord.objects.get(pk=stockrecord.pk)
    change_stock_record(stockrecord, num_in_stock=10)
    change = change_stock_record(stale, num_in_stock=12)
    assert change.num_in_stock_before == 10
    assert stale.num_in_stock == 12


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (0, "The price must be more than 0 ₫."),
        (Decimal("-1000"), "The price must be more than 0 ₫."),
        ("abc", "Enter the price as a whole number of dong, e.g. 250000."),
        ("", "Enter the price as a whole number of dong, e.g. 250000."),
        ("NaN", "Enter the price as a whole number of dong, e.g. 250000."),
        ("Infinity", "Enter the price as a whole number of dong, e.g. 250000."),
        (True, "Enter the price as a whole number of dong, e.g. 250000."),
        (Decimal("12.5"), "Prices are in whole dong: remove the decimals."),
        ("250000.01", "Prices are in whole dong: remove the decimals."),
        (Decimal("10000000000"), "The price may be at most 9.999.999.999 ₫."),
    ],
)
def test_a_bad_price_changes_nothing(stockrecord, price, message):
    with pytest.raises(ValidationError) as raised:
        change_stock_record(stockrecord, price=price, num_in_stock=1)
    assert raised.value.message_dict == {"price": [message]}
    stored = StockRecord.objects.get(pk=stockrecord.pk)
    assert (stored.price, stored.num_in_stock) == (Decimal("250000"), 50)
    assert not StockRecordChange.objects.exists()


@pytest.mark.parametrize(
    ("num_in_stock", "message"),
    [
        (-1, "The number in stock cannot be negative."),
        ("-3", "The number in stock cannot be negative."),
        ("many", "Enter the number in stock as a whole number."),
        (Decimal("2.5"), "Enter the number in stock as a whole number."),
        (2**31, "That number in stock is too large."),
    ],
)
def test_a_bad_number_in_stock_changes_nothing(stockrecord, num_in_stock, message):
    with pytest.raises(ValidationError) as raised:
        change_stock_record(stockrecord, price=1000, num_in_stock=num_in_stock)
    assert raised.value.message_dict == {"num_in_stock": [message]}
    assert StockRecord.objects.get(pk=stockrecord.pk).price == Decimal("250000")


def test_both_errors_are_reported_together(stockrecord):
    with pytest.raises(ValidationError) as raised:
        change_stock_record(stockrecord, price=0, num_in_stock=-1)
    assert set(raised.value.message_dict) == {"price", "num_in_stock"}


def test_zero_in_stock_is_allowed(stockrecord):
    assert change_stock_record(stockrecord, num_in_stock=0).num_in_stock_after == 0


def test_an_unknown_source_is_a_programming_error(stockrecord):
    with pytest.raises(ValueError):
        change_stock_record(stockrecord, num_in_stock=1, source="magic")


# --- low stock ------------------------------------------------------------------------------------
def test_low_stock_uses_the_records_threshold_or_the_default():
    producer = ProducerFactory()
    plenty = ProductFactory(producer=producer, stock=(Decimal("1000"), DEFAULT_LOW_STOCK_THRESHOLD)).stockrecords.get()
    few = ProductFactory(producer=producer, stock=(Decimal("1000"), DEFAULT_LOW_STOCK_THRESHOLD - 1)).stockrecords.get()
    allocated = ProductFactory(producer=producer, stock=(Decimal("1000"), 20)).stockrecords.get()
    StockRecord.objects.filter(pk=allocated.pk).update(num_allocated=16)
    own_threshold = ProductFactory(producer=producer, stock=(Decimal("1000"), 20)).stockrecords.get()
    set_low_stock_threshold(own_threshold, 30)

    low = set(low_stock(StockRecord.objects.filter(partner=producer)).values_list("pk", flat=True))
    assert low == {few.pk, allocated.pk, own_threshold.pk}

    annotated = {record.pk: record for record in with_stock_levels(StockRecord.objects.filter(partner=producer))}
    assert annotated[allocated.pk].available == 4
    assert annotated[own_threshold.pk].effective_low_stock_threshold == 30
    assert annotated[plenty.pk].effective_low_stock_threshold == DEFAULT_LOW_STOCK_THRESHOLD
    for record in StockRecord.objects.filter(partner=producer):
        assert is_low_stock(record) == annotated[record.pk].is_low_stock


def test_set_low_stock_threshold(stockrecord):
    assert set_low_stock_threshold(stockrecord, 8) is True
    assert StockRecord.objects.get(pk=stockrecord.pk).low_stock_threshold == 8
    assert set_low_stock_threshold(stockrecord, 8) is False
    assert set_low_stock_threshold(stockrecord, None) is True
    assert StockRecord.objects.get(pk=stockrecord.pk).low_stock_threshold is None
    with pytest.raises(ValidationError):
        set_low_stock_threshold(stockrecord, -1)


# --- admin ----------------------------------------------------------------------------------------
def test_the_history_is_read_only_in_the_admin(rf, admin_user, stockrecord):
    change_stock_record(stockrecord, num_in_stock=3)
    model_admin = admin.site._registry[StockRecordChange]
    request = rf.get("/")
    request.user = admin_user
    change = StockRecordChange.objects.get()
    assert model_admin.has_view_permission(request, change)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, change)
    assert not model_admin.has_delete_permission(request, change)


def test_the_history_admin_page_lists_changes(admin_client, stockrecord):
    change_stock_record(stockrecord, num_in_stock=3, note="kiểm kho")
    response = admin_client.get("/django-admin/partner/stockrecordchange/")
    assert response.status_code == 200
    assert stockrecord.partner_sku in response.content.decode()
