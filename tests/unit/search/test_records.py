"""The record both engines index: what it holds, and when it may be found."""

from datetime import timedelta

import pytest

from catalog.models import OcopCertificate, today
from search.records import product_records
from tests.factories import BoothFactory, FairFactory, SalesPointFactory, certified_product

pytestmark = pytest.mark.django_db


def stock(partner, product, num_in_stock=5, price=120_000):
    return partner.stockrecords.create(
        product=product, partner_sku=f"{partner.pk}-{product.pk}", price=price, num_in_stock=num_in_stock
    )


def test_a_record_holds_names_places_facets_and_prices():
    honey = certified_product(4, title="Mật ong rừng Vũ Quang")
    honey.stockrecords.update(price=185_000)
    sales_point = SalesPointFactory()
    stock(sales_point.partner, honey)
    fair = FairFactory(starts_on=today() + timedelta(days=3), ends_on=today() + timedelta(days=7))
    BoothFactory(fair=fair, producer=honey.producer)

    (record,) = product_records([honey.pk])

    assert record.title == "Mật ong rừng Vũ Quang" and record.producer_name == honey.producer.name
    assert record.province == "Hà Tĩnh" and record.commune
    assert record.stars == 4 and record.price == 185_000
    assert record.sales_point_ids == (sales_point.pk,)
    assert record.fairs == ((fair.pk, fair.ends_on),)
    assert record.is_for_sale_on(today()) and record.has_fair_on_or_after(today())
    assert not record.has_fair_on_or_after(fair.ends_on + timedelta(days=1))


def test_validity_is_a_matter_of_the_day_asked_and_the_rest_of_state():
    honey = certified_product(4)
    (record,) = product_records([honey.pk])
    certificate = honey.certificate
    assert record.is_for_sale_on(certificate.valid_until)
    assert not record.is_for_sale_on(certificate.valid_until + timedelta(days=1))
    assert not record.is_for_sale_on(certificate.valid_from - timedelta(days=1))

    OcopCertificate.objects.filter(pk=certificate.pk).update(status=OcopCertificate.Status.WITHDRAWN)
    (withdrawn,) = product_records([honey.pk])
    assert not withdrawn.searchable and withdrawn.fingerprint != record.fingerprint


def test_a_sales_point_without_stock_or_closed_does_not_count():
    honey = certified_product(4)
    empty = SalesPointFactory()
    stock(empty.partner, honey, num_in_stock=0)
    closed = SalesPointFactory(status="closed")
    stock(closed.partner, honey)
    (record,) = product_records([honey.pk])
    assert record.sales_point_ids == ()
