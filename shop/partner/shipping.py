"""What a producer charges to deliver their part of an order (``delivery_charge``).

The checkout calls ``delivery_charge(producer, lines)`` once per producer whose goods are delivered.
``lines`` are that producer's lines: any objects with ``.product``, ``.quantity`` and
``.line_price_incl_tax`` (the quantity times the unit price, VAT included), which is what an Oscar
basket line and an order line both have.

- A producer without a ShippingRate charges ``settings.DEFAULT_SHIPPING_CHARGE``, flat.
- A flat rate charges its base charge.
- A rate by weight charges its base charge for the first kilogram, plus its charge per kilogram for
  each started kilogram after it (1000 g is one kilogram, 1001 g two). A product without a shipping
  weight (nor a parent product with one) counts ``UNKNOWN_WEIGHT_GRAMS`` per unit.
- Delivery is free when the goods come to at least the rate's ``free_above`` threshold.
- No lines, no charge.
"""

from decimal import Decimal

from django.conf import settings

from shop.partner.models import ShippingRate

#: The weight a unit of a product without a shipping weight counts for, in grams.
UNKNOWN_WEIGHT_GRAMS = 500
GRAMS_PER_KG = 1000


def unit_weight_grams(product):
    """The shipping weight of one unit of ``product``: its own, its parent's, else UNKNOWN_WEIGHT_GRAMS
    (also for a line whose product no longer exists)."""
    if product is None:
        return UNKNOWN_WEIGHT_GRAMS
    if product.weight_grams:
        return product.weight_grams
    parent = product.parent if product.parent_id else None
    if parent is not None and parent.weight_grams:
        return parent.weight_grams
    return UNKNOWN_WEIGHT_GRAMS


def total_weight_grams(lines):
    return sum(unit_weight_grams(line.product) * line.quantity for line in lines)


def goods_total(lines):
    return sum((Decimal(line.line_price_incl_tax) for line in lines), Decimal(0))


def started_kilograms(grams):
    """The kilograms begun: 1 g to 1000 g is 1 kg, 1001 g is 2 kg."""
    return -(-grams // GRAMS_PER_KG)


def shipping_rate_of(producer):
    try:
        return producer.shipping_rate
    except ShippingRate.DoesNotExist:
        return None


def charge_for_rate(rate, *, weight_grams, goods_value):
    """What ``rate`` (or the default flat charge, for None) asks for goods of this weight and value."""
    if rate is None:
        return Decimal(settings.DEFAULT_SHIPPING_CHARGE)
    if rate.free_above is not None and goods_value >= rate.free_above:
        return Decimal(0)
    charge = Decimal(rate.base_charge)
    if rate.kind == ShippingRate.Kind.BY_WEIGHT:
        further_kg = max(started_kilograms(weight_grams) - 1, 0)
        charge += Decimal(rate.charge_per_kg) * further_kg
    return charge


def delivery_charge(producer, lines):
    """What ``producer`` charges to deliver ``lines`` (their own lines of one order), in đồng."""
    lines = list(lines)
    if not lines:
        return Decimal(0)
    return charge_for_rate(
        shipping_rate_of(producer), weight_grams=total_weight_grams(lines), goods_value=goods_total(lines)
    )
