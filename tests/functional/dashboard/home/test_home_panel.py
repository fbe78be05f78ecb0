"""The dashboard's front page for a producer's staff and a sales point's operators."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from catalog.models import ListingRevision, OcopCertificate, today
from shop.order.models import LineStatus
from shop.partner.models import StockRecord
from tests.factories import (
    CertificateFactory,
    ProductFactory,
    SalesPointPartnerFactory,
    certified_product,
    partner_staff,
    placed_order,
)

pytestmark = pytest.mark.django_db

INDEX_URL = reverse("dashboard:index")


def counts(response):
    """The figures of the panel's tiles, by their data-count name."""
    html = response.content.decode()
    return {
        name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
        for name, text in re.findall(r'data-count="(\w+)">(.*?)</(?:p|li)>', html, flags=re.S)
    }


def number(text):
    return int(re.search(r"\d+", text.replace(".", "")).group())


def product_in_each_state(producer):
    """One product of ``producer`` in every state the panel tells apart; returns them by state."""
    day = today()
    products = {}
    products["live"] = certified_product(producer=producer, title="Mật ong rừng")
    products["expiring"] = certified_product(producer=producer, title="Cam Vũ Quang")
    OcopCertificate.objects.filter(pk=products["expiring"].certificate_id).update(valid_until=day + timedelta(days=30))
    products["reduced"] = certified_product(stars=2, producer=producer, title="Nước mắm")
    products["withdrawn"] = certified_product(producer=producer, title="Kẹo cu đơ")
    OcopCertificate.objects.filter(pk=products["withdrawn"].certificate_id).update(
        status=OcopCertificate.Status.WITHDRAWN, withdrawn_on=day
    )
    products["expired"] = certified_product(producer=producer, title="Chè xanh")
    OcopCertificate.objects.filter(pk=products["expired"].certificate_id).update(valid_until=day - timedelta(days=1))
    products["pending_new"] = certified_product(producer=producer, title="Nhung hươu", is_public=False)
    ListingRevision.objects.create(product=products["pending_new"], is_new_listing=True)
    products["pending_change"] = certified_product(producer=producer, title="Bưởi Phúc Trạch")
    ListingRevision.objects.create(product=products["pending_change"], description="<p>Mới</p>")
    products["sent_back"] = certified_product(producer=producer, title="Mật ong bạc hà", is_public=False)
    ListingRevision.objects.create(
        product=products["sent_back"],
        is_new_listing=True,
        status=ListingRevision.Status.SENT_BACK,
        reason="Ảnh mờ",
    )
    products["hidden"] = certified_product(producer=producer, title="Cao hươu", is_public=False)
    products["no_certificate"] = ProductFactory(producer=producer, title="Gạo")
    return products


def test_the_producer_panel_counts_every_state(client_a, producer_a, settings):
    product_in_each_state(producer_a)

    response = client_a.get(INDEX_URL)

    assert response.status_code == 200
    assert response.templates[0].name == "oscar/dashboard/index_nonstaff.html"
    listings = response.context["listings"]
    assert {key: listings[key] for key in ("live", "expiring", "pending_new", "pending_changes", "pending")} == {
        "live": 3,  # live, expiring and the one with changes awaiting review
        "expiring": 1,
        "pending_new": 1,
        "pending_changes": 1,
        "pending": 2,
    }
    assert {key: listings[key] for key in ("reduced", "withdrawn", "expired", "sent_back", "other")} == {
        "reduced": 1,
        "withdrawn": 1,
        "expired": 1,
        "sent_back": 1,
        "other": 2,  # hidden, and no certificate
    }
    assert listings["not_for_sale"] == 6
    assert listings["total"] == 10
    shown = counts(response)
    assert number(shown["live"]) == 3
    assert number(shown["pending"]) == 2
    assert number(shown["not_for_sale"]) == 6
    assert shown["expiring"].endswith(": 1")
    for reason in ("reduced", "withdrawn", "expired", "sent_back"):
        assert shown[reason].endswith(": 1"), reason


def test_expiring_follows_the_first_reminder_window(client_a, producer_a, settings):
    product = certified_product(producer=producer_a)
    OcopCertificate.objects.filter(pk=product.certificate_id).update(valid_until=today() + timedelta(days=45))

    settings.OCOP_EXPIRY_REMINDER_DAYS = (60, 14)
    assert client_a.get(INDEX_URL).context["listings"]["expiring"] == 1
    settings.OCOP_EXPIRY_REMINDER_DAYS = (30, 14)
    assert client_a.get(INDEX_URL).context["listings"]["expiring"] == 0


def test_low_stock_new_orders_and_this_months_sales(client_a, producer_a, producer_b):
    honey = certified_product(producer=producer_a, title="Mật ong rừng", stock=(Decimal("250000"), 7))
    oranges = certified_product(producer=producer_a, title="Cam Vũ Quang", stock=(Decimal("60000"), 100))
    tea = certified_product(producer=producer_a, title="Chè xanh", stock=(Decimal("80000"), 8))
    StockRecord.objects.filter(product=tea).update(low_stock_threshold=10)
    certified_product(producer=producer_a, title="Kẹo cu đơ", stock=(Decimal("30000"), 5))  # exactly at 5: not low
    nem_b = certified_product(producer=producer_b, title="Nem chua", stock=(Decimal("777000"), 1))

    first = placed_order([(honey, 3), (nem_b, 1)])  # honey: 7 in stock, 3 allocated → 4 available
    second = placed_order([(oranges, 2)])
    confirmed = placed_order([(oranges, 1)])
    confirmed.lines.update(status=LineStatus.CONFIRMED)
    cancelled = placed_order([(oranges, 10)])
    cancelled.lines.update(status=LineStatus.CANCELLED)

    response = client_a.get(INDEX_URL)
    html = response.content.decode()

    low = response.context["low_stock"]
    assert low["count"] == 2
    assert [record.product.title for record in low["records"]] == ["Mật ong rừng", "Chè xanh"]
    assert reverse("dashboard:producer-stockrecord-update", kwargs={"pk": honey.stockrecords.get().pk}) in html
    assert reverse("dashboard:producer-stock-list") + "?low_stock=on" in html

    new_orders = response.context["new_orders"]
    assert new_orders["count"] == 2
    assert [order["order__number"] for order in new_orders["orders"]] == [str(second.number), str(first.number)]
    assert reverse("dashboard:producer-order-detail", kwargs={"number": first.number}) in html
    assert reverse("dashboard:producer-order-detail", kwargs={"number": confirmed.number}) not in html
    assert reverse("dashboard:producer-order-list") + "?status=new" in html

    sales = response.context["month_sales"]
    assert (sales.units, sales.revenue) == (6, Decimal("750000") + Decimal("180000"))
    assert "930.000" in counts(response)["revenue"]
    assert reverse("dashboard:producer-report") in html


def test_a_never_sees_b(client_a, producer_a, producer_b):
    product_in_each_state(producer_b)
    nem_b = certified_product(producer=producer_b, title="Nem chua Thanh Hóa", stock=(Decimal("777000"), 2))
    order_b = placed_order([(nem_b, 1)])

    response = client_a.get(INDEX_URL)
    html = response.content.decode()

    assert response.context["producer"] == producer_a
    assert response.context["listings"]["total"] == 0
    assert response.context["low_stock"]["count"] == 0
    assert response.context["new_orders"]["count"] == 0
    assert response.context["month_sales"].units == 0
    assert str(order_b.number) not in html
    assert "Nem chua" not in html
    assert "777" not in html


def test_the_tiles_link_to_their_pages(client_a, producer_a):
    html = client_a.get(INDEX_URL).content.decode()
    for name in (
        "dashboard:producer-product-list",
        "dashboard:producer-product-create",
        "dashboard:producer-report",
        "dashboard:producer-order-list",
        "dashboard:producer-stock-list",
    ):
        assert f'href="{reverse(name)}' in html, name


def test_the_panel_speaks_vietnamese(client_a, vietnamese, producer_a):
    html = client_a.get(INDEX_URL).content.decode()
    assert "Sản phẩm đang bán" in html
    assert "Đơn hàng mới cần xác nhận" in html
    assert "Doanh số tháng" in html


def test_the_number_of_queries_does_not_grow_with_the_data(client_a, producer_a, django_assert_max_num_queries):
    product_in_each_state(producer_a)
    with django_assert_max_num_queries(20) as few:
        client_a.get(INDEX_URL)
    baseline = len(few.captured_queries)

    more = [certified_product(producer=producer_a, stock=(Decimal("10000"), 2)) for _ in range(6)]
    for product in more:
        placed_order([(product, 1)])
    product_in_each_state(producer_a)
    with django_assert_max_num_queries(baseline):
        response = client_a.get(INDEX_URL)
    assert response.context["new_orders"]["count"] == 6
    assert response.context["low_stock"]["count"] == 6


def test_a_sales_point_operator_sees_their_low_stock(client, producer_a):
    sales_point = SalesPointPartnerFactory(name="Điểm bán OCOP Hồng Lĩnh")
    operator = partner_staff(sales_point)
    honey = certified_product(producer=producer_a, title="Mật ong rừng")
    oranges = certified_product(producer=producer_a, title="Cam Vũ Quang")
    StockRecord.objects.create(
        product=honey, partner=sales_point, partner_sku="DB-1", price=Decimal("260000"), num_in_stock=2
    )
    StockRecord.objects.create(
        product=oranges, partner=sales_point, partner_sku="DB-2", price=Decimal("65000"), num_in_stock=40
    )
    client.force_login(operator)

    response = client.get(INDEX_URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert "producer" not in response.context or response.context["producer"] is None
    assert response.context["low_stock"]["count"] == 1
    assert 'id="sales_point_home"' in html and 'id="producer_home"' not in html
    assert "Mật ong rừng" in html
    assert reverse("dashboard:producer-stock-list") in html
    # The producer's own stock records are not the sales point's business.
    assert (
        reverse("dashboard:producer-stockrecord-update", kwargs={"pk": honey.stockrecords.get(partner=producer_a).pk})
        not in html
    )


def test_an_account_of_no_partner_is_told_so(client):
    user = get_user_model().objects.create_user(username="lonely@example.vn", email="lonely@example.vn")
    user.user_permissions.add(Permission.objects.get(codename="dashboard_access"))
    client.force_login(user)

    response = client.get(INDEX_URL)

    assert response.status_code == 200
    assert 'id="no_partner"' in response.content.decode()
    assert "listings" not in response.context


def test_a_buyer_is_refused_and_a_visitor_sent_to_log_in(client):
    visitor = client.get(INDEX_URL)
    assert visitor.status_code == 302 and "login" in visitor["Location"]
    buyer = get_user_model().objects.create_user(username="buyer@example.vn", email="buyer@example.vn")
    client.force_login(buyer)
    assert client.get(INDEX_URL).status_code == 403


def test_shop_staff_keep_oscars_statistics(client):
    admin = get_user_model().objects.create_user(
        username="admin@example.vn", email="admin@example.vn", is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    response = client.get(INDEX_URL)
    assert response.status_code == 200
    assert response.templates[0].name == "oscar/dashboard/index.html"
    assert "total_orders_last_day" in response.context


def test_officers_still_go_to_the_listing_review(client, ha_tinh_reviewer):
    client.force_login(ha_tinh_reviewer)
    response = client.get(INDEX_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:review-list")


def test_a_certificate_without_the_factory_defaults_is_counted_by_its_dates(client_a, producer_a):
    product = ProductFactory(producer=producer_a, title="Tỏi Lý Sơn")
    CertificateFactory(product=product, valid_from=today() + timedelta(days=5), decision_date=today())
    listings = client_a.get(INDEX_URL).context["listings"]
    assert listings["live"] == 0
    assert listings["other"] == 1
