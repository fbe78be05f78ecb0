import pytest

from tests.factories import certified_product
from tests.functional.storefront.helpers import html, translated, visible_text

pytestmark = pytest.mark.django_db


def test_every_page_offers_both_languages_in_one_click(client):
    response = client.get("/catalogue/")

    page = html(response)
    assert 'action="/i18n/setlang/" method="post"' in page
    assert 'name="language" value="vi"' in page
    assert 'name="language" value="en"' in page
    assert '<input name="next" type="hidden" value="/catalogue/" />' in page


def test_switching_to_english_sets_the_cookie_and_the_next_page_is_english(client):
    product = certified_product(title="Mật ong rừng Vũ Quang")
    assert '<html lang="vi"' in html(client.get(product.get_absolute_url()))

    response = client.post("/i18n/setlang/", {"language": "en", "next": product.get_absolute_url()})

    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    assert response.cookies["django_language"].value == "en"
    page = client.get(product.get_absolute_url())
    assert '<html lang="en"' in html(page)
    assert translated("en", "Add to basket") in visible_text(page)
    assert "Home" in visible_text(page)


def test_switching_back_to_vietnamese(english):
    english.post("/i18n/setlang/", {"language": "vi", "next": "/catalogue/"})

    response = english.get("/catalogue/")

    assert '<html lang="vi"' in html(response)
    assert "Tất cả sản phẩm" in visible_text(response)


def test_the_browser_language_does_not_choose(client):
    response = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="vi"' in html(response)
