"""Pages in the default language show our Vietnamese translations, not the English msgids.

The strings checked here exist only in our catalogue (Oscar's and Wagtail's have nothing like them),
so they prove that locale/vi/LC_MESSAGES/django.mo is found and used.
"""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from tests.factories import (
    BoothFactory,
    CertificateFactory,
    FairFactory,
    ProducerFactory,
    ProductFactory,
    SalesPointFactory,
)

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in {"script", "style", "head"}
        self.parts.extend(value for name, value in attrs if name in {"aria-label", "placeholder"} and value)

    def handle_endtag(self, tag):
        self.skipping -= tag in {"script", "style", "head"} and self.skipping > 0

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def text_of(response):
    """What a reader sees or hears: the page's text, aria-labels and placeholders, white space collapsed."""
    assert response.status_code == 200
    parser = _Text()
    parser.feed(response.content.decode())
    return re.sub(r"\s+", " ", " ".join(parser.parts))


@pytest.fixture
def honey():
    producer = ProducerFactory(name="HTX Mật ong Vũ Quang", producer_kind="cooperative")
    product = ProductFactory(title="Mật ong rừng Vũ Quang", producer=producer, stock=(Decimal("1250000"), 12))
    CertificateFactory(product=product, stars=4, decision_number="1234/QĐ-UBND")
    product.refresh_from_db()
    return product


def test_catalogue_in_vietnamese_by_default(client, honey):
    text = text_of(client.get("/catalogue/"))

    assert "Lọc kết quả" in text
    assert "Áp dụng bộ lọc" in text
    assert "Nhóm sản phẩm" in text and "Tỉnh/thành phố" in text and "Số sao" in text
    assert "Dược liệu và sản phẩm từ dược liệu" in text
    assert "Mọi sản phẩm bán tại đây đều có Giấy chứng nhận OCOP còn hiệu lực" in text
    assert "4 sao OCOP" in text
    for english in ("Apply filters", "Refine", "Product group", "Medicinal herbs", "4-star OCOP"):
        assert english not in text


def test_the_same_page_in_english_shows_the_msgids(english, honey):
    text = text_of(english.get("/catalogue/"))

    assert "Apply filters" in text
    assert "Medicinal herbs and herbal products" in text
    assert "Áp dụng bộ lọc" not in text


def test_product_page_certificate_in_vietnamese(client, honey):
    text = text_of(client.get(honey.get_absolute_url()))

    assert "Giấy chứng nhận OCOP" in text
    assert "Số 1234/QĐ-UBND ngày" in text
    assert "Cơ quan cấp" in text and "Có hiệu lực đến" in text
    assert "Hội đồng đánh giá, phân hạng cấp tỉnh" in text
    assert "Thực phẩm — Thực phẩm chế biến" in text
    assert "Hợp tác xã (HTX)" in text
    assert "Hiện chưa có điểm bán nào bày bán sản phẩm này." in text
    assert "OCOP certificate" not in text and "Provincial council" not in text


def test_sales_points_and_fairs_in_vietnamese(client, honey):
    SalesPointFactory(partner__name="Điểm bán OCOP chợ Hà Tĩnh")
    BoothFactory(fair=FairFactory(name="Hội chợ OCOP Hà Tĩnh"), producer=honey.producer)

    points = text_of(client.get("/sales-points/"))
    assert "Điểm giới thiệu và bán sản phẩm OCOP" in points
    assert "Chợ" in points and "Giờ mở cửa:" in points
    assert "Opening hours" not in points

    fairs = text_of(client.get("/fairs/"))
    assert "Hội chợ thương mại OCOP" in fairs
    assert "1 gian hàng" in fairs
    assert "booth" not in fairs
