from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from catalog.certificates import rerate_certificate
from catalog.models import CertificateEvent, OcopCertificate, today
from shop.outlets.models import SalesPoint
from shop.partner.models import StockRecord
from tests.factories import (
    BoothFactory,
    CertificateFactory,
    FairFactory,
    ProducerFactory,
    ProductFactory,
    SalesPointFactory,
    certified_product,
)
from tests.functional.storefront.helpers import (
    NBSP,
    expired_product,
    html,
    translated,
    two_star_product,
    visible_text,
    withdrawn_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def honey():
    """A 4-star honey at 1.250.000 ₫, carried by a sales point and shown at a coming fair."""
    producer = ProducerFactory(name="HTX Mật ong Vũ Quang")
    product = ProductFactory(title="Mật ong rừng Vũ Quang", producer=producer, stock=(Decimal("1250000"), 12))
    CertificateFactory(
        product=product,
        number="OCOP-HT-2024-0042",
        stars=4,
        score=78,
        decision_number="1234/QĐ-UBND",
        decision_date=date(2024, 9, 5),
        valid_from=date(2024, 9, 5),
        issuing_authority="UBND tỉnh Hà Tĩnh",
    )
    product.refresh_from_db()
    point = SalesPointFactory(partner__name="Trung tâm OCOP Hà Tĩnh")
    StockRecord.objects.create(
        product=product, partner=point.partner, partner_sku="TT-1", price=Decimal("1250000"), num_in_stock=7
    )
    closed = SalesPointFactory(partner__name="Điểm bán đã đóng", status=SalesPoint.Status.CLOSED)
    StockRecord.objects.create(product=product, partner=closed.partner, partner_sku="DB-1", num_in_stock=3)
    booth = BoothFactory(fair__name="Lễ hội Cam Hà Tĩnh 2026", number="A12", producer=producer)
    booth.products.add(product)
    BoothFactory(
        fair=FairFactory(name="Hội chợ năm ngoái", starts_on=today() - timedelta(days=300)),
        producer=producer,
    )
    return product


def certificate_label(level):
    return str(OcopCertificate.CertifyingLevel(level).label)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_product_page_shows_certificate_stars_price_and_producer(client, honey, language):
    client.cookies["django_language"] = language

    response = client.get(honey.get_absolute_url())

    assert response.status_code == 200
    page = html(response)
    text = visible_text(response)
    assert f'<html lang="{language}"' in page
    assert "Mật ong rừng Vũ Quang" in text
    # Price in VND: dots between thousands, no minor unit, the symbol after a no-break space.
    assert "1.250.000 ₫" in text
    assert f"1.250.000{NBSP}₫" in page
    # The stars as stars, labelled in the page's language.
    with translation.override(language):
        star_label = gettext("%(stars)s-star OCOP") % {"stars": 4}
        council = certificate_label("province")
    assert f'aria-label="{star_label}"' in page
    assert '<span class="ocop-stars-filled" aria-hidden="true">★★★★</span>' in page
    assert '<span class="ocop-stars-empty" aria-hidden="true">☆</span>' in page
    # The certificate.
    assert "OCOP-HT-2024-0042" in text
    assert "1234/QĐ-UBND" in text
    assert "05/09/2024" in text
    assert "UBND tỉnh Hà Tĩnh" in text
    assert council in text
    assert "04/09/2027" in text  # valid until: 36 months
    # The producer: kind, commune and province, link to the producer's page.
    assert f'href="{honey.producer.get_absolute_url()}"' in page
    with translation.override(language):
        assert str(honey.producer.get_producer_kind_display()) in text
    assert "Xã Vũ Quang, Hà Tĩnh" in text


def test_product_page_in_english_uses_english_labels(english, honey):
    text = visible_text(english.get(honey.get_absolute_url()))

    assert "OCOP certificate" in text
    assert "Certificate number" in text
    assert "Valid until" in text
    assert "Issuing authority" in text
    assert "Provincial council" in text
    assert translated("en", "Add to basket") in text


def test_product_page_in_vietnamese_by_default(client, honey):
    response = client.get(honey.get_absolute_url())

    assert '<html lang="vi"' in html(response)
    assert "Thêm vào giỏ hàng" in visible_text(response)
    assert "Trang chủ" in visible_text(response)


def test_product_page_shows_where_to_see_it(english, honey):
    response = english.get(honey.get_absolute_url())

    text = visible_text(response)
    page = html(response)
    assert [point.name for point in response.context["sales_points"]] == ["Trung tâm OCOP Hà Tĩnh"]
    assert "Trung tâm OCOP Hà Tĩnh" in text
    assert "7 in stock" in text
    assert "Điểm bán đã đóng" not in text
    assert 'href="/sales-points/' in page
    assert "Lễ hội Cam Hà Tĩnh 2026" in text
    assert "booth A12" in text
    assert "shows this product" in text
    assert "Hội chợ năm ngoái" not in text


def test_product_page_without_sales_points_or_fairs_says_so(english):
    product = certified_product()

    text = visible_text(english.get(product.get_absolute_url()))

    assert "No sales point carries this product at the moment." in text
    assert "The producer has no booth at an upcoming fair." in text


def test_certificate_history_most_recent_first(english, honey):
    certificate = honey.certificate
    CertificateEvent.objects.create(
        certificate=certificate, kind=CertificateEvent.Kind.ISSUED, occurred_on=date(2024, 9, 5), stars_after=4
    )
    CertificateEvent.objects.create(
        certificate=certificate,
        kind=CertificateEvent.Kind.RENEWED,
        occurred_on=date(2025, 3, 1),
        reference="Biên bản kiểm tra 17/BB-SCT",
    )

    text = visible_text(english.get(honey.get_absolute_url()))

    assert "Certificate history" in text
    assert text.index("01/03/2025 — Renewed") < text.index("05/09/2024 — Issued")
    assert "Biên bản kiểm tra 17/BB-SCT" in text


@pytest.mark.parametrize("make", [expired_product, withdrawn_product, two_star_product])
def test_product_not_for_sale_is_gone_for_the_public(client, make):
    product = make(title="Nhung hươu Hương Sơn")

    assert client.get(product.get_absolute_url()).status_code == 404


def test_product_reduced_below_three_stars_disappears(client, django_user_model):
    product = certified_product(stars=3)
    assert client.get(product.get_absolute_url()).status_code == 200
    inspector = django_user_model.objects.create_user(username="inspector", email="i@example.vn", password="x")

    rerate_certificate(
        product.certificate, score=40, occurred_on=today(), reference="Biên bản kiểm tra 5/BB", recorded_by=inspector
    )

    assert client.get(product.get_absolute_url()).status_code == 404
    assert product.title not in visible_text(client.get("/catalogue/"))


def test_staff_still_see_a_lapsed_product_with_the_reason(staff_client):
    product = expired_product(title="Nhung hươu Hương Sơn")
    staff_client.cookies["django_language"] = "en"

    response = staff_client.get(product.get_absolute_url())

    assert response.status_code == 200
    text = visible_text(response)
    assert "Nhung hươu Hương Sơn" in text
    assert f"Hidden from buyers: {product.reason_not_for_sale()}." in text


def test_description_keeps_line_breaks_and_harmless_html_only(english):
    plain = certified_product(description="Mật ong hoa rừng.\nThu hoạch mùa xuân.")
    rich = certified_product(
        description='<p onclick="steal()">Nước mắm <strong>cốt nhĩ</strong></p>'
        '<script>alert(1)</script><a href="javascript:steal()">xem</a>'
    )

    plain_page = html(english.get(plain.get_absolute_url()))
    rich_page = html(english.get(rich.get_absolute_url()))

    assert "<p>Mật ong hoa rừng.<br>Thu hoạch mùa xuân.</p>" in plain_page
    assert "<p>Nước mắm <strong>cốt nhĩ</strong></p>" in rich_page
    assert "<script>alert(1)</script>" not in rich_page
    assert "steal()" not in rich_page
