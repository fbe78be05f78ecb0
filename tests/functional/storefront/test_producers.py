from datetime import timedelta

import pytest

from catalog.models import today
from shop.partner.models import Partner
from tests.factories import BoothFactory, FairFactory, ProducerFactory, certified_product
from tests.functional.storefront.helpers import expired_product, html, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def producer():
    return ProducerFactory(
        name="HTX Cam Vũ Quang",
        producer_kind=Partner.ProducerKind.COOPERATIVE,
        street_address="Thôn Thượng Lỗ",
        phone="0239 3812 345",
        story="Cam trồng trên đồi <b>Vũ Quang</b>.\nThu hoạch tháng 11.",
    )


def test_producer_page_lists_its_certified_products(english, producer):
    certified_product(title="Cam Vũ Quang loại 1", producer=producer)
    certified_product(title="Mứt cam", producer=producer)
    expired_product(title="Nước cam hết hạn", producer=producer)
    certified_product(title="Sản phẩm của người khác")

    response = english.get(producer.get_absolute_url())

    assert response.status_code == 200
    text = visible_text(response)
    assert "HTX Cam Vũ Quang" in text
    assert "Cooperative (HTX)" in text
    assert "Thôn Thượng Lỗ, Xã Vũ Quang, Hà Tĩnh" in text
    assert "0239 3812 345" in text
    assert [p.title for p in response.context["products"]] == ["Cam Vũ Quang loại 1", "Mứt cam"]
    assert "Nước cam hết hạn" not in text
    assert "Sản phẩm của người khác" not in text


def test_producer_story_is_rich_text_made_safe_with_line_breaks(english, producer):
    Partner.objects.filter(pk=producer.pk).update(
        story=producer.story + '<script>alert("x")</script><img src=x onerror="alert(1)">'
    )
    page = html(english.get(producer.get_absolute_url()))

    assert "<p>Cam trồng trên đồi <b>Vũ Quang</b>.<br>Thu hoạch tháng 11.</p>" in page
    assert 'alert("x")' not in page and "onerror" not in page


def test_producer_page_shows_booths_at_coming_fairs_only(english, producer):
    BoothFactory(producer=producer, number="C7", fair__name="Lễ hội Cam Hà Tĩnh 2026")
    past = FairFactory(name="Hội chợ cũ", starts_on=today() - timedelta(days=60), ends_on=today() - timedelta(days=55))
    BoothFactory(producer=producer, fair=past)

    text = visible_text(english.get(producer.get_absolute_url()))

    assert "Lễ hội Cam Hà Tĩnh 2026" in text
    assert "booth C7" in text
    assert "Hội chợ cũ" not in text


def test_producer_list(english, producer):
    certified_product(producer=producer)
    certified_product(producer=producer)
    expired_product(producer=producer)
    other = ProducerFactory(name="Hộ kinh doanh Nhung hươu", producer_kind=Partner.ProducerKind.HOUSEHOLD)

    response = english.get("/producers/")

    text = visible_text(response)
    page = html(response)
    assert "HTX Cam Vũ Quang" in text and "Hộ kinh doanh Nhung hươu" in text
    assert "2 certified products on sale" in text
    assert "0 certified products on sale" in text
    assert f'href="{other.get_absolute_url()}"' in page


def test_unknown_producer_is_404(client):
    assert client.get("/producers/khong-co/").status_code == 404
