"""Every list page, and the product page, runs as many queries for 200 products as for 10."""

from decimal import Decimal

import pytest
from oscar.test.factories import ProductImageFactory

from shop.partner.models import StockRecord
from tests.factories import (
    THANH_HOA,
    THANH_HOA_WARD,
    BoothFactory,
    FairFactory,
    ProducerFactory,
    SalesPointFactory,
    certified_product,
)
from tests.functional.storefront.helpers import count_queries

pytestmark = pytest.mark.django_db


def add_products(count, producers, with_images=True):
    products = []
    for number in range(count):
        product = certified_product(stars=3 + number % 3, producer=producers[number % len(producers)])
        if with_images:
            ProductImageFactory(product=product)
            ProductImageFactory(product=product, display_order=1)
        products.append(product)
    return products


@pytest.fixture
def producers():
    return [ProducerFactory(), ProducerFactory(province_code=THANH_HOA, ward_code=THANH_HOA_WARD), ProducerFactory()]


@pytest.mark.parametrize(
    "url",
    ["/catalogue/", "/catalogue/?stars=4&stars=5&province=42", "/search/?q=m%E1%BA%ADt+ong"],
    ids=["catalogue", "filtered", "search"],
)
def test_catalogue_list_queries_do_not_grow_with_products(client, producers, url, django_assert_max_num_queries):
    add_products(10, producers)
    with_ten = count_queries(client, url)

    add_products(190, producers)

    with django_assert_max_num_queries(with_ten):
        response = client.get(url)
    # A full page of 24 cards against 10 (or fewer) at the first count.
    assert len(response.context["products"]) == 24


def test_product_page_queries_do_not_grow_with_products_sales_points_or_booths(
    client, producers, django_assert_max_num_queries
):
    product = add_products(10, producers)[0]
    fair = FairFactory()

    def show_in_person(points, booths):
        for _ in range(points):
            point = SalesPointFactory()
            StockRecord.objects.create(
                product=product,
                partner=point.partner,
                partner_sku=f"SP-{point.pk}",
                price=Decimal("90000"),
                num_in_stock=4,
            )
        for _ in range(booths):
            booth = BoothFactory(fair=fair, producer=product.producer)
            booth.products.add(product)

    show_in_person(points=1, booths=1)
    with_ten = count_queries(client, product.get_absolute_url())

    add_products(190, producers)
    show_in_person(points=6, booths=3)

    with django_assert_max_num_queries(with_ten):
        response = client.get(product.get_absolute_url())
    assert len(response.context["sales_points"]) == 7
    assert len(response.context["booths"]) == 4


def test_producer_page_and_list_queries_are_flat(client, producers, django_assert_max_num_queries):
    producer = producers[0]
    add_products(3, [producer])
    page_with_few = count_queries(client, producer.get_absolute_url())
    list_with_few = count_queries(client, "/producers/")

    add_products(30, [producer])
    add_products(10, [ProducerFactory() for _ in range(10)], with_images=False)

    with django_assert_max_num_queries(page_with_few):
        client.get(producer.get_absolute_url())
    with django_assert_max_num_queries(list_with_few):
        client.get("/producers/")


def test_sales_point_and_fair_pages_queries_are_flat(client, producers, django_assert_max_num_queries):
    point = SalesPointFactory()
    fair = FairFactory()

    def grow(count):
        for product in add_products(count, producers, with_images=False):
            StockRecord.objects.create(
                product=product, partner=point.partner, partner_sku=f"SP-{product.pk}", num_in_stock=2
            )
            booth = BoothFactory(fair=fair, producer=product.producer)
            booth.products.add(product)
            SalesPointFactory()
            FairFactory()

    grow(2)
    counts = {
        url: count_queries(client, url)
        for url in ("/sales-points/", point.get_absolute_url(), "/fairs/", fair.get_absolute_url())
    }

    grow(20)

    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            client.get(url)


def test_product_page_with_history_and_recommendations_stays_flat(client, producers, django_assert_max_num_queries):
    """Oscar shows recently viewed and recommended products as cards; they are fetched together."""
    from catalog.certificates import withdraw_certificate
    from catalog.models import ProductRecommendation, today

    product, *others = add_products(12, producers)
    ProductRecommendation.objects.create(primary=product, recommendation=others[0], ranking=2)
    client.get(others[0].get_absolute_url())
    client.get(others[1].get_absolute_url())
    with_two_viewed = count_queries(client, product.get_absolute_url())

    for other in others[2:]:
        ProductRecommendation.objects.create(primary=product, recommendation=other, ranking=1)
        client.get(other.get_absolute_url())
    lapsed = others[-1]
    withdraw_certificate(lapsed.certificate, occurred_on=today(), reference="Biên bản kiểm tra số 7")

    with django_assert_max_num_queries(with_two_viewed):
        response = client.get(product.get_absolute_url())
    shown = response.content.decode()
    assert others[2].title in shown
    # A product withdrawn since it was viewed is neither recently viewed nor recommended.
    assert lapsed.title not in shown
