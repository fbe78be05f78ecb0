from datetime import timedelta

import pytest

from catalog.groups import ProductGroup
from catalog.models import today
from cms.models import HomePageFeaturedProduct
from tests.factories import FairFactory, certified_product
from tests.functional.storefront.helpers import expired_product, html, visible_text, withdrawn_product

pytestmark = pytest.mark.django_db


def feature(home_page, *products):
    for order, product in enumerate(products):
        HomePageFeaturedProduct.objects.create(page=home_page, product=product, sort_order=order)


def test_home_page_shows_featured_products_for_sale_and_not_lapsed_ones(client, home_page):
    honey = certified_product(title="Mật ong rừng Vũ Quang")
    orange = certified_product(title="Cam Khe Mây", stars=5)
    expired = expired_product(title="Nhung hươu Hương Sơn")
    withdrawn = withdrawn_product(title="Nước mắm Cửa Hội")
    feature(home_page, orange, expired, honey, withdrawn)

    response = client.get("/")

    assert response.status_code == 200
    text = visible_text(response)
    assert "Sản phẩm OCOP chính hiệu" in text
    assert "Cam Khe Mây" in text and "Mật ong rừng Vũ Quang" in text
    assert "Nhung hươu Hương Sơn" not in text
    assert "Nước mắm Cửa Hội" not in text
    # In the editor's order.
    assert text.index("Cam Khe Mây") < text.index("Mật ong rừng Vũ Quang")
    assert f'href="{honey.get_absolute_url()}"' in html(response)


def test_home_page_links_the_six_groups_fairs_and_sales_points(english, home_page):
    fair = FairFactory(name="Lễ hội Cam Hà Tĩnh 2026")
    FairFactory(name="Hội chợ đã qua", starts_on=today() - timedelta(days=30), ends_on=today() - timedelta(days=27))

    response = english.get("/")

    page = html(response)
    text = visible_text(response)
    for code, label in ProductGroup.choices:
        assert f"/catalogue/?group={code}" in page
        assert str(label) in text
    assert "Lễ hội Cam Hà Tĩnh 2026" in text
    assert fair.get_absolute_url() in page
    assert "Hội chợ đã qua" not in text
    assert 'href="/sales-points/"' in page
