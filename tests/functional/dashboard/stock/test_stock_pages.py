"""Stock and prices in the dashboard: a partner's own stock records only, changed at once, with their history."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model
from PIL import Image

from catalog.photos import clean_photo
from catalog.tasks import make_product_image_thumbnails
from shop.partner.models import StockRecord, StockRecordChange
from shop.partner.stock import change_stock_record
from tests.factories import ProductFactory, SalesPointFactory, partner_staff

pytestmark = pytest.mark.django_db

ProductImage = get_model("catalogue", "ProductImage")

LIST_URL = reverse("dashboard:producer-stock-list")


def update_url(record):
    return reverse("dashboard:producer-stockrecord-update", kwargs={"pk": record.pk})


def record_of(product):
    return product.stockrecords.get()


def stored(record):
    return StockRecord.objects.get(pk=record.pk)


@pytest.fixture
def english_a(client_a):
    client_a.cookies["django_language"] = "en"
    return client_a


@pytest.fixture
def honey(producer_a):
    return record_of(ProductFactory(producer=producer_a, title="Mật ong rừng Hương Sơn", stock=(Decimal("225000"), 30)))


@pytest.fixture
def tea(producer_a):
    return record_of(ProductFactory(producer=producer_a, title="Chè xanh Hương Khê", stock=(Decimal("90000"), 3)))


@pytest.fixture
def nem(producer_b):
    return record_of(ProductFactory(producer=producer_b, title="Nem chua Thanh Hóa", stock=(Decimal("87000"), 40)))


@pytest.fixture
def sales_point():
    return SalesPointFactory().partner


@pytest.fixture
def sales_point_record(sales_point, honey):
    """The sales point holds some of producer A's honey, at its own price."""
    return StockRecord.objects.create(
        product=honey.product,
        partner=sales_point,
        partner_sku="DB-HONEY",
        price=Decimal("240000"),
        price_currency="VND",
        num_in_stock=12,
    )


@pytest.fixture
def operator_client(client, sales_point):
    client.force_login(partner_staff(sales_point, "diem-ban@example.vn"))
    client.cookies["django_language"] = "en"
    return client


def add_photo(product, colour="orange"):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(buffer, "JPEG")
    photo = clean_photo(io.BytesIO(buffer.getvalue()))
    image = ProductImage.objects.create(product=product, original=photo)
    make_product_image_thumbnails(image.pk)
    return image


# --- the list -------------------------------------------------------------------------------------
def test_the_list_shows_the_partners_own_records_only(english_a, honey, tea, nem):
    StockRecord.objects.filter(pk=honey.pk).update(num_allocated=4)
    response = english_a.get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert list(response.context["stockrecords"]) == [tea, honey]  # by title
    assert "Mật ong rừng Hương Sơn" in page and "Chè xanh Hương Khê" in page
    assert "Nem chua" not in page and nem.partner_sku not in page
    assert honey.partner_sku in page
    assert update_url(honey) in page and update_url(nem) not in page
    listed = {record.pk: record for record in response.context["stockrecords"]}
    assert listed[honey.pk].available == 26
    assert listed[tea.pk].is_low_stock and not listed[honey.pk].is_low_stock
    assert page.count("Low: under 5") == 1
    assert '<div class="table-responsive">' in page


def test_search_by_name_or_sku_and_low_stock_only(english_a, honey, tea):
    assert list(english_a.get(LIST_URL, {"q": "mật ong"}).context["stockrecords"]) == [honey]
    assert list(english_a.get(LIST_URL, {"q": tea.partner_sku}).context["stockrecords"]) == [tea]
    assert list(english_a.get(LIST_URL, {"low_stock": "on"}).context["stockrecords"]) == [tea]
    assert list(english_a.get(LIST_URL, {"q": "mật ong", "low_stock": "on"}).context["stockrecords"]) == []
    assert "No stock record matches your search." in english_a.get(LIST_URL, {"q": "cà phê"}).content.decode()


def test_the_records_own_low_stock_threshold_counts(english_a, honey, tea):
    StockRecord.objects.filter(pk=honey.pk).update(low_stock_threshold=31)
    StockRecord.objects.filter(pk=tea.pk).update(low_stock_threshold=2)
    assert list(english_a.get(LIST_URL, {"low_stock": "on"}).context["stockrecords"]) == [honey]


def test_the_list_is_paginated(english_a, producer_a, settings):
    for number in range(settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE + 3):
        ProductFactory(producer=producer_a, title=f"Sản phẩm {number:02d}")
    first = english_a.get(LIST_URL)
    assert len(first.context["stockrecords"]) == settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE
    second = english_a.get(LIST_URL, {"page": 2})
    assert [record.product.title for record in second.context["stockrecords"]] == [
        "Sản phẩm 20",
        "Sản phẩm 21",
        "Sản phẩm 22",
    ]


def test_the_number_of_queries_does_not_grow_with_the_records(english_a, producer_a, django_assert_max_num_queries):
    def count_queries():
        english_a.get(LIST_URL)  # sessions, caches and thumbnails are warm after a first visit
        with CaptureQueriesContext(connection) as queries:
            response = english_a.get(LIST_URL)
        assert response.status_code == 200
        return len(queries), response

    for number in range(2):
        add_photo(ProductFactory(producer=producer_a, title=f"Mật ong {number}"))
    few, _ = count_queries()
    for number in range(2, 15):
        product = ProductFactory(producer=producer_a, title=f"Mật ong {number}")
        add_photo(product, "green")
        add_photo(product, "blue")
    many, response = count_queries()

    assert len(response.context["stockrecords"]) == 15
    assert response.content.decode().count("/media/cache/") == 15  # a thumbnail per row
    assert many == few
    with django_assert_max_num_queries(few):
        english_a.get(LIST_URL)


def test_only_partner_staff_may_open_the_pages(client, honey, ha_tinh_reviewer, django_user_model):
    assert client.get(LIST_URL).status_code == 302  # to sign in
    buyer = django_user_model.objects.create_user(username="lan@example.vn", email="lan@example.vn", password="x")
    for user in (buyer, ha_tinh_reviewer):
        client.force_login(user)
        assert client.get(LIST_URL).status_code in (302, 403)
        assert client.get(update_url(honey)).status_code in (302, 403)
        assert client.post(update_url(honey), {"price": "1000", "num_in_stock": "1"}).status_code in (302, 403)
    assert stored(honey).price == Decimal("225000")


# --- changing a record ----------------------------------------------------------------------------
def test_the_form_shows_the_current_values(english_a, honey):
    response = english_a.get(update_url(honey))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"price": "225000", "num_in_stock": 30, "low_stock_threshold": None}
    page = response.content.decode()
    assert 'value="225000"' in page and 'value="30"' in page
    assert "No change has been made here yet." in page


def test_a_change_is_live_at_once_and_in_the_history(english_a, staff_a, honey):
    response = english_a.post(update_url(honey), {"price": "245.000", "num_in_stock": "28", "low_stock_threshold": "6"})
    assert response.status_code == 302
    assert response["Location"] == update_url(honey)
    record = stored(honey)
    assert (record.price, record.num_in_stock, record.low_stock_threshold) == (Decimal("245000"), 28, 6)

    change = StockRecordChange.objects.get(stockrecord=honey)
    assert (change.price_before, change.price_after) == (Decimal("225000"), Decimal("245000"))
    assert (change.num_in_stock_before, change.num_in_stock_after) == (30, 28)
    assert change.changed_by == staff_a and change.source == "dashboard"

    page = english_a.get(update_url(honey)).content.decode()
    assert "saved, live now" in page
    assert "225.000" in page and "245.000" in page  # before → after, in VND
    assert "30 → 28" in page
    assert "staff-a@example.vn" in page
    assert "Dashboard" in page


def test_the_history_shows_changes_from_elsewhere(english_a, honey):
    change_stock_record(honey, num_in_stock=29, source="order_shipped", note="Đơn 500001")
    page = english_a.get(update_url(honey)).content.decode()
    assert "Order line shipped" in page and "Đơn 500001" in page and "30 → 29" in page and "System" in page


def test_saving_the_same_values_writes_no_history(english_a, honey):
    response = english_a.post(update_url(honey), {"price": "225000", "num_in_stock": "30"}, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert not StockRecordChange.objects.exists()


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("0", "The price must be more than 0 ₫."),
        ("-5000", "The price must be more than 0 ₫."),
        ("abc", "Enter the price as a whole number of dong, e.g. 250000."),
        ("12.5", "Prices are in whole dong: remove the decimals."),
        ("250000,50", "Enter the price as a whole number of dong, e.g. 250000."),
        ("", "Enter the price."),
    ],
)
def test_a_bad_price_is_explained_and_the_other_fields_are_kept(english_a, honey, price, message):
    response = english_a.post(update_url(honey), {"price": price, "num_in_stock": "17", "low_stock_threshold": "4"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"price": [message]}
    page = response.content.decode()
    assert 'value="17"' in page and 'value="4"' in page
    record = stored(honey)
    assert (record.price, record.num_in_stock, record.low_stock_threshold) == (Decimal("225000"), 30, None)
    assert not StockRecordChange.objects.exists()


@pytest.mark.parametrize(
    ("num_in_stock", "message"),
    [
        ("-1", "The number in stock cannot be negative."),
        ("2.5", "Enter the number in stock as a whole number."),
        ("nhiều", "Enter the number in stock as a whole number."),
    ],
)
def test_a_bad_stock_is_explained_and_the_price_is_kept(english_a, honey, num_in_stock, message):
    response = english_a.post(update_url(honey), {"price": "199000", "num_in_stock": num_in_stock})
    assert response.status_code == 200
    assert response.context["form"].errors == {"num_in_stock": [message]}
    assert 'value="199000"' in response.content.decode()
    assert stored(honey).price == Decimal("225000")


def test_extra_posted_fields_change_nothing(english_a, honey, nem, producer_b):
    response = english_a.post(
        update_url(honey),
        {
            "price": "230000",
            "num_in_stock": "30",
            "partner": producer_b.pk,
            "product": nem.product.pk,
            "price_currency": "USD",
            "num_allocated": "99",
            "partner_sku": "HACKED",
            "stockrecord": nem.pk,
        },
    )
    assert response.status_code == 302
    record = stored(honey)
    assert record.price == Decimal("230000")
    assert (record.partner_id, record.product_id) == (honey.partner_id, honey.product_id)
    assert (record.price_currency, record.num_allocated, record.partner_sku) == ("VND", None, honey.partner_sku)
    untouched = stored(nem)
    assert (untouched.price, untouched.num_in_stock) == (Decimal("87000"), 40)


def test_another_producers_record_is_404_for_get_and_post(english_a, nem):
    assert english_a.get(update_url(nem)).status_code == 404
    assert english_a.post(update_url(nem), {"price": "1000", "num_in_stock": "0"}).status_code == 404
    record = stored(nem)
    assert (record.price, record.num_in_stock) == (Decimal("87000"), 40)
    assert not StockRecordChange.objects.exists()


def test_a_missing_record_is_404(english_a):
    assert english_a.get(reverse("dashboard:producer-stockrecord-update", kwargs={"pk": 999999})).status_code == 404


# --- sales points ---------------------------------------------------------------------------------
def test_a_sales_point_operator_sees_and_changes_only_the_sales_points_records(
    operator_client, sales_point_record, honey, nem
):
    listed = list(operator_client.get(LIST_URL).context["stockrecords"])
    assert listed == [sales_point_record]

    response = operator_client.post(update_url(sales_point_record), {"price": "235000", "num_in_stock": "10"})
    assert response.status_code == 302
    assert stored(sales_point_record).price == Decimal("235000")
    assert stored(honey).price == Decimal("225000")  # the producer's own record of the same product

    for other in (honey, nem):
        assert operator_client.get(update_url(other)).status_code == 404
        assert operator_client.post(update_url(other), {"price": "1000", "num_in_stock": "1"}).status_code == 404
    assert (stored(honey).price, stored(nem).price) == (Decimal("225000"), Decimal("87000"))


def test_a_producers_staff_cannot_open_a_sales_points_record(english_a, sales_point_record):
    assert sales_point_record not in english_a.get(LIST_URL).context["stockrecords"]
    assert english_a.get(update_url(sales_point_record)).status_code == 404
    assert english_a.post(update_url(sales_point_record), {"price": "1000", "num_in_stock": "1"}).status_code == 404
    assert stored(sales_point_record).price == Decimal("240000")
