import pytest

from catalog.groups import ProductGroup
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, certified_product
from tests.functional.storefront.helpers import expired_product, html, visible_text

pytestmark = pytest.mark.django_db


def test_search_lists_matching_products_for_sale(english):
    certified_product(title="Mật ong rừng Vũ Quang")
    certified_product(title="Mật ong bạc hà")
    certified_product(title="Cam Khe Mây")
    expired_product(title="Mật ong hết hạn")

    response = english.get("/search/", {"q": "mật ong"})

    assert response.status_code == 200
    assert sorted(p.title for p in response.context["products"]) == ["Mật ong bạc hà", "Mật ong rừng Vũ Quang"]
    text = visible_text(response)
    assert 'Products matching "mật ong"' in text
    assert "Mật ong rừng Vũ Quang" in text
    assert "Cam Khe Mây" not in text
    assert "Mật ong hết hạn" not in text
    # The search box keeps the words.
    assert 'value="mật ong"' in html(response)


def test_search_finds_products_by_producer_name(client):
    producer = ProducerFactory(name="HTX Nước mắm Cửa Hội")
    certified_product(title="Nước mắm cốt nhĩ", producer=producer)
    certified_product(title="Cam Khe Mây")

    response = client.get("/search/", {"q": "Cửa Hội"})

    assert [p.title for p in response.context["products"]] == ["Nước mắm cốt nhĩ"]


def test_search_with_filters(client):
    wine = ProductFactory(title="Rượu nếp cái hoa vàng")
    CertificateFactory(product=wine, group=ProductGroup.BEVERAGES, subgroup="alcoholic")
    certified_product(title="Bánh nếp")

    response = client.get("/search/", {"q": "nếp", "group": "beverages"})

    assert [p.title for p in response.context["products"]] == ["Rượu nếp cái hoa vàng"]


def test_search_says_clearly_when_nothing_matched(english):
    certified_product(title="Cam Khe Mây")

    response = english.get("/search/", {"q": "sầu riêng"})

    assert response.status_code == 200
    assert list(response.context["products"]) == []
    text = visible_text(response)
    assert 'No certified product matches "sầu riêng".' in text
    assert "Cam Khe Mây" not in text
    assert 'href="/catalogue/"' in html(response)


def test_search_words_are_escaped(english):
    response = english.get("/search/", {"q": "<script>alert(1)</script>"})

    page = html(response)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
