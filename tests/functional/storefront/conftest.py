import pytest
from wagtail.models import Page, Site

from cms.models import HomePage


@pytest.fixture
def home_page(db):
    """The Wagtail home page served at ``/``, as the demo data sets it up."""
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(
            title="Chợ OCOP",
            slug="cho-ocop",
            hero_title="Sản phẩm OCOP chính hiệu",
            hero_text="Mua trực tiếp từ các chủ thể OCOP.",
        )
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Chợ OCOP"}
    )
    return home


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="staff", email="staff@example.vn", password="mật-khẩu-dài", is_staff=True
    )
    client.force_login(user)
    return client
