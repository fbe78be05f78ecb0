"""A CMS editor edits the home page in Wagtail and picks featured products with the product chooser."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from shop.accounts.roles import Role
from tests.factories import certified_product
from tests.functional.storefront.conftest import home_page  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_user(username="editor", email="editor@example.vn", password="x")
    editor.groups.add(Group.objects.get(name=Role.CMS_EDITOR))
    client.force_login(editor)
    return client


def test_editor_opens_the_home_page_editor(editor_client, home_page):  # noqa: F811
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[home_page.pk]))
    assert response.status_code == 200
    assert "featured_products" in response.content.decode()


def test_product_chooser_lists_products_and_finds_by_name(editor_client):
    certified_product(title="Cam bù Hương Sơn")
    certified_product(title="Nem chua Thanh Hóa")

    listing = editor_client.get(reverse("product_chooser:choose"))
    assert listing.status_code == 200
    assert "Cam bù Hương Sơn" in listing.json()["html"]

    found = editor_client.get(reverse("product_chooser:choose_results"), {"q": "Nem chua"})
    assert found.status_code == 200
    assert "Nem chua Thanh Hóa" in found.content.decode()
    assert "Cam bù Hương Sơn" not in found.content.decode()


def test_a_buyer_cannot_reach_the_chooser(client, django_user_model):
    buyer = django_user_model.objects.create_user(username="buyer", email="buyer@example.vn", password="x")
    client.force_login(buyer)
    response = client.get(reverse("product_chooser:choose"))
    assert response.status_code in (302, 403)
