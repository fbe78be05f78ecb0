"""The demo data's shipping weights and producers' delivery charges are complete and believable."""

from fixtures import catalogue_data as data
from shop.partner.models import ShippingRate

#: Tours, stays and tickets: nothing to ship.
SERVICES = {38, 39, 40, 126, 127}


def test_every_shipped_product_has_a_weight_and_services_none():
    numbers = {product[0] for product in data.PRODUCTS}
    assert set(data.PRODUCT_WEIGHTS) == numbers - SERVICES
    assert all(10 <= grams <= 10000 for grams in data.PRODUCT_WEIGHTS.values())


def test_a_five_kilo_box_weighs_more_than_five_kilos():
    titles = {product[0]: product[2] for product in data.PRODUCTS}
    for number, grams in data.PRODUCT_WEIGHTS.items():
        if "thùng 5 kg" in titles[number]:
            assert grams > 5000, titles[number]


def test_demo_rates_are_of_both_kinds_some_free_from_a_threshold():
    producers = {producer[0] for producer in data.PRODUCERS}
    assert set(data.SHIPPING_RATES) <= producers
    assert producers - set(data.SHIPPING_RATES), "some producers keep the site's default charge"
    kinds = {kind for kind, *_rest in data.SHIPPING_RATES.values()}
    assert kinds == {ShippingRate.Kind.FLAT, ShippingRate.Kind.BY_WEIGHT}
    assert any(free is not None for *_rest, free in data.SHIPPING_RATES.values())
    assert any(free is None for *_rest, free in data.SHIPPING_RATES.values())
    for kind, base, per_kg, _free in data.SHIPPING_RATES.values():
        assert base > 0
        assert (per_kg > 0) == (kind == ShippingRate.Kind.BY_WEIGHT)
