import pytest

from catalog.models import Product
from tests.factories import CertificateFactory, certified_product

pytestmark = pytest.mark.django_db


def test_certified_product_is_for_sale_and_two_star_is_not():
    for_sale = certified_product(stars=4)
    two_star = certified_product(stars=2)
    assert list(Product.objects.for_sale()) == [for_sale]
    assert two_star.reason_not_for_sale() is not None
    assert CertificateFactory.build(stars=5).certifying_level == "central"
