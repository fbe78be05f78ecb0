"""The partner strategy: the one place where the OCOP certificate rule decides price and availability."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from oscar.core.loading import get_class

from catalog.certificates import rerate_certificate, withdraw_certificate
from catalog.models import Product, today
from shop.partner.availability import NotForSale
from shop.partner.models import StockRecord
from shop.partner.strategy import CertifiedOnly
from tests.factories import CertificateFactory, ProductFactory, SalesPointFactory, certified_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def fetch(product):
    return CertifiedOnly().fetch_for_product(Product.objects.get(pk=product.pk))


def test_oscar_loads_our_strategy():
    assert isinstance(get_class("partner.strategy", "Selector")().strategy(), CertifiedOnly)


def test_a_certified_product_is_sold_at_the_producers_price_vat_included():
    product = certified_product(stars=3, stock=(Decimal("185000"), 12))
    info = fetch(product)
    assert info.stockrecord.partner == product.producer
    assert info.price.excl_tax == info.price.incl_tax == Decimal("185000")
    assert info.price.currency == "VND"
    assert info.availability.is_available_to_buy
    assert info.availability.is_purchase_permitted(12) == (True, "")
    assert info.availability.is_purchase_permitted(13)[0] is False


def test_a_sales_points_stock_record_is_never_chosen():
    product = certified_product(stock=(Decimal("250000"), 5))
    for price in (Decimal("199000"), Decimal("260000")):
        StockRecord.objects.create(
            product=product,
            partner=SalesPointFactory().partner,
            partner_sku=f"SP-{price}",
            price=price,
            price_currency="VND",
            num_in_stock=100,
        )
    info = fetch(product)
    assert info.stockrecord.partner == product.producer
    assert info.price.incl_tax == Decimal("250000")


def test_a_product_only_a_sales_point_stocks_cannot_be_bought_online():
    product = certified_product(stock=False)
    StockRecord.objects.create(
        product=product,
        partner=SalesPointFactory().partner,
        partner_sku="SP-1",
        price=Decimal("199000"),
        price_currency="VND",
        num_in_stock=100,
    )
    info = fetch(product)
    assert info.stockrecord is None
    assert not info.price.exists
    assert not info.availability.is_available_to_buy


def test_out_of_stock_keeps_oscars_availability():
    info = fetch(certified_product(stock=(Decimal("100000"), 0)))
    assert info.availability.code == "outofstock"
    assert not info.availability.is_available_to_buy


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: ProductFactory(title="Cam Vũ Quang"), "it has no OCOP certificate"),
        (lambda: certified_product(title="Cam Vũ Quang", is_public=False), "it has been taken off sale"),
        (
            lambda: certified_product(stars=2, title="Cam Vũ Quang"),
            "the OCOP rating is 2 stars; only products of 3 stars or more are sold",
        ),
        (lambda: certified_product(stars=1, title="Cam Vũ Quang"), "the OCOP rating is 1 stars"),
    ],
)
def test_not_for_sale_says_why(make, reason):
    product = make()
    availability = fetch(product).availability
    assert isinstance(availability, NotForSale)
    assert availability.code == "not-for-sale"
    assert reason in availability.reason
    assert availability.message == f"Not for sale: {availability.reason}"
    assert availability.short_message == "Not for sale"
    permitted, refusal = availability.is_purchase_permitted(1)
    assert permitted is False
    assert refusal == f"“Cam Vũ Quang” cannot be bought: {availability.reason}."
    # The price stays known: the product page can still show what it cost.
    assert fetch(product).price.exists


def test_three_stars_is_enough_and_five_stars_too():
    assert fetch(certified_product(stars=3)).availability.is_available_to_buy
    assert fetch(certified_product(stars=5)).availability.is_available_to_buy


def test_the_certificate_decides_on_the_day_itself():
    product = certified_product()
    certificate = product.certificate
    certificate.valid_until = today()
    certificate.save()
    assert fetch(product).availability.is_available_to_buy
    certificate.valid_until = today() - timedelta(days=1)
    certificate.save()
    availability = fetch(product).availability
    assert not availability.is_available_to_buy
    assert "the OCOP certificate expired" in availability.reason


def test_a_certificate_not_yet_valid_does_not_sell():
    product = ProductFactory()
    CertificateFactory(product=product, decision_date=today(), valid_from=today() + timedelta(days=3))
    assert not fetch(product).availability.is_available_to_buy


def test_withdrawal_and_reduction_stop_sales():
    withdrawn = certified_product()
    withdraw_certificate(withdrawn.certificate, occurred_on=today(), reference="Quyết định 90/QĐ-UBND")
    assert "withdrawn" in fetch(withdrawn).availability.reason
    reduced = certified_product(stars=3)
    rerate_certificate(reduced.certificate, score=40, occurred_on=today(), reference="Biên bản 7")
    assert "reduced to 2 stars" in fetch(reduced).availability.reason


def test_variants_follow_their_parents_certificate_and_producer():
    parent = ProductFactory(structure=Product.PARENT, stock=False, title="Nhung hươu Hương Sơn")
    CertificateFactory(product=parent, stars=4)
    child = ProductFactory(
        structure=Product.CHILD, parent=parent, product_class=None, producer=None, title="", stock=False
    )
    StockRecord.objects.create(
        product=child,
        partner=parent.producer,
        partner_sku="NH-100G",
        price=Decimal("1250000"),
        price_currency="VND",
        num_in_stock=3,
    )
    strategy = CertifiedOnly()
    child = Product.objects.get(pk=child.pk)
    info = strategy.fetch_for_product(child)
    assert info.stockrecord.partner == parent.producer
    assert info.availability.is_available_to_buy
    assert strategy.fetch_for_parent(Product.objects.get(pk=parent.pk)).availability.is_available_to_buy

    withdraw_certificate(parent.certificate, occurred_on=today(), reference="Quyết định 90/QĐ-UBND")
    child = Product.objects.get(pk=child.pk)
    assert "withdrawn" in strategy.fetch_for_product(child).availability.reason
    parent_availability = strategy.fetch_for_parent(Product.objects.get(pk=parent.pk)).availability
    assert isinstance(parent_availability, NotForSale)
    assert "withdrawn" in parent_availability.message
