from datetime import timedelta
from decimal import Decimal

import pytest

from catalog.models import today
from shop.outlets.models import SalesPoint
from shop.partner.models import StockRecord
from tests.factories import (
    THANH_HOA,
    THANH_HOA_WARD,
    BoothFactory,
    FairFactory,
    SalesPointFactory,
    certified_product,
)
from tests.functional.storefront.helpers import expired_product, html, visible_text

pytestmark = pytest.mark.django_db


def carry(point, product, num_in_stock, price=Decimal("180000")):
    return StockRecord.objects.create(
        product=product,
        partner=point.partner,
        partner_sku=f"{point.pk}-{product.pk}",
        price=price,
        num_in_stock=num_in_stock,
    )


@pytest.fixture
def centre():
    return SalesPointFactory(
        partner__name="Trung tâm giới thiệu sản phẩm OCOP Hà Tĩnh",
        partner__street_address="02 Phan Đình Phùng",
        kind=SalesPoint.Kind.CENTRE,
        location_category=SalesPoint.LocationCategory.COMMERCIAL_CENTRE,
        opening_hours="7:30–21:30 hằng ngày",
        operator="Trung tâm Khuyến công và Xúc tiến thương mại Hà Tĩnh",
        latitude=Decimal("18.342100"),
        longitude=Decimal("105.905700"),
    )


def test_sales_point_list_filters_by_province(english, centre):
    thanh_hoa = SalesPointFactory(
        partner__name="Điểm bán OCOP chợ Vườn Hoa",
        partner__province_code=THANH_HOA,
        partner__ward_code=THANH_HOA_WARD,
    )
    SalesPointFactory(partner__name="Điểm bán đã đóng cửa", status=SalesPoint.Status.CLOSED)

    response = english.get("/sales-points/")
    text = visible_text(response)
    assert "Trung tâm giới thiệu sản phẩm OCOP Hà Tĩnh" in text
    assert "Điểm bán OCOP chợ Vườn Hoa" in text
    assert "Điểm bán đã đóng cửa" not in text
    assert f'<option value="{THANH_HOA}">Thanh Hóa</option>' in html(response)

    filtered = english.get("/sales-points/", {"province": THANH_HOA})
    assert list(filtered.context["sales_points"]) == [thanh_hoa]
    assert f'<option value="{THANH_HOA}" selected>Thanh Hóa</option>' in html(filtered)


def test_sales_point_detail_shows_everything_a_visitor_needs(english, centre):
    honey = certified_product(title="Mật ong rừng Vũ Quang")
    carry(centre, honey, 14, price=Decimal("1250000"))
    carry(centre, expired_product(title="Nhung hươu hết hạn"), 3)

    response = english.get("/sales-points/" + centre.partner.code + "/")

    assert response.status_code == 200
    text = visible_text(response)
    page = html(response)
    assert "Trung tâm giới thiệu sản phẩm OCOP Hà Tĩnh" in text
    assert "OCOP centre" in text
    assert "Commercial centre" in text
    assert "02 Phan Đình Phùng, Xã Vũ Quang, Hà Tĩnh" in text
    assert "18.342100, 105.905700" in text
    assert 'href="https://www.openstreetmap.org/?mlat=18.342100&amp;mlon=105.905700' in page
    assert "7:30–21:30 hằng ngày" in text
    assert "Trung tâm Khuyến công và Xúc tiến thương mại Hà Tĩnh" in text
    assert "Open" in text
    assert "Mật ong rừng Vũ Quang" in text
    assert f'href="{honey.get_absolute_url()}"' in page
    assert "1.250.000 ₫ 14" in text
    assert "Nhung hươu hết hạn" not in text


def test_sales_point_coordinates_are_not_localised_in_vietnamese(vietnamese, centre):
    text = visible_text(vietnamese.get(centre.get_absolute_url()))

    assert "18.342100, 105.905700" in text


def test_fair_list_shows_coming_and_past_fairs(english):
    FairFactory(name="Lễ hội Cam Hà Tĩnh 2026", organiser="UBND tỉnh Hà Tĩnh")
    FairFactory(
        name="Hội chợ OCOP đang diễn ra", starts_on=today() - timedelta(days=1), ends_on=today() + timedelta(days=2)
    )
    FairFactory(name="Hội chợ năm ngoái", starts_on=today() - timedelta(days=300))

    response = english.get("/fairs/")

    assert response.status_code == 200
    assert [fair.name for fair in response.context["fairs"]] == [
        "Hội chợ OCOP đang diễn ra",
        "Lễ hội Cam Hà Tĩnh 2026",
    ]
    assert [fair.name for fair in response.context["past_fairs"]] == ["Hội chợ năm ngoái"]
    text = visible_text(response)
    assert "On now" in text
    assert "UBND tỉnh Hà Tĩnh" in text


def test_fair_detail_shows_dates_venue_organiser_and_booths(english):
    fair = FairFactory(
        name="Lễ hội Cam và các sản phẩm nông nghiệp Hà Tĩnh",
        starts_on=today() + timedelta(days=10),
        ends_on=today() + timedelta(days=14),
        venue="Quảng trường Thành Sen",
        organiser="Sở Công Thương Hà Tĩnh",
    )
    orange = certified_product(title="Cam Khe Mây")
    lapsed = expired_product(title="Cam hết hạn", producer=orange.producer)
    booth = BoothFactory(fair=fair, number="A01", producer=orange.producer)
    booth.products.add(orange, lapsed)

    response = english.get(fair.get_absolute_url())

    assert response.status_code == 200
    text = visible_text(response)
    page = html(response)
    assert f"{fair.starts_on:%d/%m/%Y} – {fair.ends_on:%d/%m/%Y}" in text
    assert "Quảng trường Thành Sen, Xã Vũ Quang, Hà Tĩnh" in text
    assert "Sở Công Thương Hà Tĩnh" in text
    assert "A01" in text
    assert f'href="{orange.producer.get_absolute_url()}"' in page
    assert f'href="{orange.get_absolute_url()}"' in page
    assert "Cam hết hạn" not in text


def test_unknown_fair_and_sales_point_are_404(client):
    assert client.get("/fairs/khong-co/").status_code == 404
    assert client.get("/sales-points/khong-co/").status_code == 404
