import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

Country = get_model("address", "Country")


@pytest.fixture
def buyer(english):
    """The ``english`` client, signed in as a buyer, Việt Nam a shipping country."""
    Country.objects.get_or_create(
        iso_3166_1_a2="VN",
        defaults={"name": "Việt Nam", "printable_name": "Việt Nam", "is_shipping_country": True},
    )
    user = get_user_model().objects.create_user(username="buyer", email="ngoc.anh@example.vn", password="x")
    english.force_login(user)
    english.user = user
    return english
