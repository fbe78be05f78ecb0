"""What a producer charges to deliver their goods (shop.partner.shipping.delivery_charge)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from shop.partner.models import ShippingRate
from shop.partner.shipping import UNKNOWN_WEIGHT_GRAMS, delivery_charge, started_kilograms
from tests.factories import ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def line(product, quantity=1, price="100000"):
    """What the checkout passes: a basket line has .product, .quantity and .line_price_incl_tax."""
    return SimpleNamespace(product=product, quantity=quantity, line_price_incl_tax=Decimal(price) * quantity)


@pytest.fixture
def producer():
    return ProducerFactory()


def product_of(producer, grams):
    return ProductFactory(producer=producer, weight_grams=grams, stock=False)


def test_without_a_rate_the_default_flat_charge(producer, settings):
    settings.DEFAULT_SHIPPING_CHARGE = 27000
    heavy = product_of(producer, 9000)
    assert delivery_charge(producer, [line(heavy, 3, "5000000")]) == Decimal(27000)


def test_no_lines_no_charge(producer):
    assert delivery_charge(producer, []) == Decimal(0)


def test_flat_rate_ignores_weight(producer):
    ShippingRate.objects.create(producer=producer, kind="flat", base_charge=35000, charge_per_kg=9000)
    assert delivery_charge(producer, [line(product_of(producer, 7000), 2)]) == Decimal(35000)


@pytest.mark.parametrize(
    ("grams", "expected"),
    [(1, 20000), (1000, 20000), (1001, 25000), (2000, 25000), (2001, 30000), (10000, 65000)],
)
def test_by_weight_base_covers_the_first_kilogram_then_each_started_kilogram(producer, grams, expected):
    ShippingRate.objects.create(producer=producer, kind="by_weight", base_charge=20000, charge_per_kg=5000)
    assert delivery_charge(producer, [line(product_of(producer, grams))]) == Decimal(expected)


def test_by_weight_adds_up_quantities_and_lines(producer):
    ShippingRate.objects.create(producer=producer, kind="by_weight", base_charge=20000, charge_per_kg=5000)
    lines = [line(product_of(producer, 400), 2), line(product_of(producer, 201), 1)]  # 1001 g
    assert delivery_charge(producer, lines) == Decimal(25000)


def test_a_product_without_a_weight_counts_the_named_constant(producer):
    assert UNKNOWN_WEIGHT_GRAMS == 500
    ShippingRate.objects.create(producer=producer, kind="by_weight", base_charge=20000, charge_per_kg=5000)
    unweighed = product_of(producer, None)
    assert delivery_charge(producer, [line(unweighed, 2)]) == Decimal(20000)  # 1000 g
    assert delivery_charge(producer, [line(unweighed, 3)]) == Decimal(25000)  # 1500 g


def test_a_line_whose_product_is_gone_counts_the_unknown_weight(producer):
    ShippingRate.objects.create(producer=producer, kind="by_weight", base_charge=20000, charge_per_kg=5000)
    assert delivery_charge(producer, [line(None, 3)]) == Decimal(25000)  # 1500 g


def test_a_variant_without_a_weight_takes_its_parents(producer):
    from catalog.models import Product

    ShippingRate.objects.create(producer=producer, kind="by_weight", base_charge=20000, charge_per_kg=5000)
    parent = ProductFactory(producer=producer, structure=Product.PARENT, weight_grams=2500, stock=False)
    child = ProductFactory(producer=producer, structure=Product.CHILD, parent=parent, product_class=None, stock=False)
    assert delivery_charge(producer, [line(child)]) == Decimal(30000)  # 3 started kg


@pytest.mark.parametrize(("goods", "expected"), [("499999", 30000), ("500000", 0), ("500001", 0)])
def test_free_from_the_threshold_inclusive(producer, goods, expected):
    ShippingRate.objects.create(producer=producer, kind="flat", base_charge=30000, free_above=500000)
    assert delivery_charge(producer, [line(product_of(producer, 300), 1, goods)]) == Decimal(expected)


def test_free_threshold_on_a_weight_rate_counts_all_lines(producer):
    ShippingRate.objects.create(
        producer=producer, kind="by_weight", base_charge=20000, charge_per_kg=5000, free_above=300000
    )
    heavy = product_of(producer, 5000)
    assert delivery_charge(producer, [line(heavy, 1, "200000")]) == Decimal(40000)
    assert delivery_charge(producer, [line(heavy, 1, "200000"), line(heavy, 1, "100000")]) == Decimal(0)


def test_started_kilograms():
    assert [started_kilograms(g) for g in (0, 1, 999, 1000, 1001, 3000, 3001)] == [0, 1, 1, 1, 2, 3, 4]
