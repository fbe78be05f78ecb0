import re

import pytest
from django.utils import translation

from catalog.groups import ProductGroup
from catalog.models import Category
from tests.factories import THANH_HOA, THANH_HOA_WARD, CertificateFactory, ProducerFactory, ProductFactory
from tests.functional.storefront.helpers import (
    expired_product,
    html,
    translated,
    two_star_product,
    visible_text,
    withdrawn_product,
)

pytestmark = pytest.mark.django_db


def product_in(title, group=ProductGroup.FOOD, subgroup="processed_food", stars=4, province="ha_tinh"):
    if province == "thanh_hoa":
        producer = ProducerFactory(province_code=THANH_HOA, ward_code=THANH_HOA_WARD)
    else:
        producer = ProducerFactory()
    product = ProductFactory(title=title, producer=producer)
    CertificateFactory(product=product, stars=stars, group=group, subgroup=subgroup)
    product.refresh_from_db()
    return product


@pytest.fixture
def assortment():
    """Products of three groups, two provinces and three star levels."""
    return {
        "honey": product_in("Mật ong rừng Vũ Quang", stars=4),
        "fish_sauce": product_in("Nước mắm Ba Làng", stars=3, province="thanh_hoa"),
        "wine": product_in("Rượu Kim Sơn", group=ProductGroup.BEVERAGES, subgroup="alcoholic", stars=4),
        "tea": product_in(
            "Trà cà gai leo", group=ProductGroup.HERBS, subgroup="herbal_food", stars=5, province="thanh_hoa"
        ),
    }


def titles(response):
    return [product.title for product in response.context["products"]]


def test_catalogue_lists_only_products_for_sale(client, assortment):
    expired_product(title="Nhung hươu hết hạn")
    withdrawn_product(title="Kẹo cu đơ bị rút")
    two_star_product(title="Bánh đa hai sao")
    hidden = ProductFactory(title="Cam ẩn", is_public=False)
    CertificateFactory(product=hidden)
    ProductFactory(title="Chưa chứng nhận")

    response = client.get("/catalogue/")

    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(p.title for p in assortment.values())
    text = visible_text(response)
    for gone in ("Nhung hươu hết hạn", "Kẹo cu đơ bị rút", "Bánh đa hai sao", "Cam ẩn", "Chưa chứng nhận"):
        assert gone not in text
    assert "Mật ong rừng Vũ Quang" in text


def test_product_card_shows_stars_price_producer_and_province(english):
    product = ProductFactory(title="Mật ong rừng Vũ Quang", stock=(1250000, 10))
    CertificateFactory(product=product, stars=4)

    response = english.get("/catalogue/")

    page = html(response)
    text = visible_text(response)
    assert 'aria-label="4-star OCOP"' in page
    assert "★★★★" in page and "☆" in page
    assert "1.250.000 ₫" in text
    assert f"{product.producer.name} · Hà Tĩnh" in text
    assert f'action="/basket/add/{product.pk}/"' in page


def test_filter_by_group(client, assortment):
    response = client.get("/catalogue/", {"group": "beverages"})
    assert titles(response) == ["Rượu Kim Sơn"]

    response = client.get("/catalogue/", {"group": ["beverages", "herbs"]})
    assert sorted(titles(response)) == ["Rượu Kim Sơn", "Trà cà gai leo"]


def test_filter_by_province(client, assortment):
    response = client.get("/catalogue/", {"province": THANH_HOA})
    assert sorted(titles(response)) == ["Nước mắm Ba Làng", "Trà cà gai leo"]


def test_filter_by_stars(client, assortment):
    response = client.get("/catalogue/", {"stars": 4})
    assert sorted(titles(response)) == ["Mật ong rừng Vũ Quang", "Rượu Kim Sơn"]

    response = client.get("/catalogue/", {"stars": [3, 5]})
    assert sorted(titles(response)) == ["Nước mắm Ba Làng", "Trà cà gai leo"]


def test_filters_combine(client, assortment):
    response = client.get("/catalogue/", {"group": "food", "province": THANH_HOA, "stars": 3})
    assert titles(response) == ["Nước mắm Ba Làng"]

    response = client.get("/catalogue/", {"group": "food", "province": THANH_HOA, "stars": 5})
    assert titles(response) == []
    assert "Không có sản phẩm đạt chứng nhận nào phù hợp với bộ lọc" in visible_text(response)


def test_filter_form_keeps_the_selection(client, assortment):
    response = client.get("/catalogue/", {"group": "herbs", "province": THANH_HOA, "stars": 5})

    page = html(response)
    assert re.search(r'name="group" value="herbs" id="id_group_\d+" checked', page)
    assert re.search(rf'name="province" value="{THANH_HOA}" id="id_province_\d+" checked', page)
    assert page.count(" checked>") == 3
    assert re.search(r'name="stars" value="5" id="id_stars_\d+" checked', page)


def test_unknown_filter_values_are_ignored(client, assortment):
    response = client.get("/catalogue/", {"group": "weapons", "stars": 9, "province": "x"})

    assert response.status_code == 200
    assert len(titles(response)) == len(assortment)


def test_pagination_keeps_the_filters(client, settings):
    for number in range(26):
        product_in(f"Bưởi Phúc Trạch {number:02d}", province="thanh_hoa")

    response = client.get("/catalogue/", {"province": THANH_HOA, "sort_by": "title"})

    assert len(titles(response)) == 24
    assert f"?province={THANH_HOA}&amp;sort_by=title&amp;page=2" in html(response)
    second = client.get("/catalogue/", {"province": THANH_HOA, "sort_by": "title", "page": 2})
    assert titles(second) == ["Bưởi Phúc Trạch 24", "Bưởi Phúc Trạch 25"]


def test_category_page_of_a_group(english, assortment):
    drinks = Category.add_root(name="Đồ uống", ocop_group=ProductGroup.BEVERAGES)

    response = english.get(drinks.get_absolute_url())

    assert response.status_code == 200
    assert titles(response) == ["Rượu Kim Sơn"]
    text = visible_text(response)
    assert "Beverages" in text
    # The navigation of every page links the group to its category.
    assert f'href="{drinks.get_absolute_url()}"' in html(english.get("/catalogue/"))


def test_a_plain_category_lists_its_products_and_its_subcategories_once(english, assortment):
    gifts = Category.add_root(name="Quà Tết")
    baskets = gifts.add_child(name="Giỏ quà")
    for category in (gifts, baskets):
        assortment["honey"].categories.add(category)
    assortment["wine"].categories.add(baskets)

    response = english.get(gifts.get_absolute_url())

    assert response.status_code == 200
    assert sorted(titles(response)) == ["Mật ong rừng Vũ Quang", "Rượu Kim Sơn"]
    assert response.context["paginator"].count == 2


def test_category_page_in_vietnamese_and_english(client, assortment):
    food = Category.add_root(name="Thực phẩm", ocop_group=ProductGroup.FOOD)

    client.cookies["django_language"] = "vi"
    vietnamese = client.get(food.get_absolute_url())
    client.cookies["django_language"] = "en"
    english = client.get(food.get_absolute_url())

    assert sorted(titles(vietnamese)) == sorted(titles(english)) == ["Mật ong rừng Vũ Quang", "Nước mắm Ba Làng"]
    assert '<html lang="vi"' in html(vietnamese)
    assert '<html lang="en"' in html(english)
    with translation.override("vi"):
        assert str(ProductGroup.FOOD.label) in visible_text(vietnamese)
        assert "Trang chủ" in visible_text(vietnamese)
    assert "Food" in visible_text(english)
    assert "Home" in visible_text(english)


def test_catalogue_in_vietnamese_by_default_and_in_english(client, assortment):
    vietnamese = client.get("/catalogue/")
    client.cookies["django_language"] = "en"
    english = client.get("/catalogue/")

    assert '<html lang="vi"' in html(vietnamese)
    assert "Tất cả sản phẩm" in visible_text(vietnamese)
    assert "Thêm vào giỏ hàng" in visible_text(vietnamese)
    assert '<html lang="en"' in html(english)
    assert "All products" in visible_text(english)
    assert translated("en", "Add to basket") in visible_text(english)
    # Data stays as the producers wrote it.
    assert "Mật ong rừng Vũ Quang" in visible_text(english)
