"""What the search knows of a product: one record, built from the database, that both engines index.

A record holds what a buyer searches by (names, places, group, description), what the facets
count (stars, group, province, producer kind, price, sales points, fairs) and what decides whether
the product may be found at all. Whether it is for sale also depends on the day: the record keeps
the certificate's validity dates and the end dates of the fairs where the producer has a booth,
and every query filters on them with the day it is asked, so that a certificate that lapses at
midnight drops its product at midnight, not at the next reindex. The rest (a withdrawal, a change
of stars, a hidden product, stock) changes only when rows change, and reaches the index through
the indexing tasks.
"""

import hashlib
from dataclasses import astuple, dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Prefetch
from django.utils.html import strip_tags

from catalog.groups import SUBGROUP_CHOICES, ProductGroup
from catalog.models import OcopCertificate, Product
from search.text import in_both_languages
from shop.outlets.models import Booth, SalesPoint
from shop.partner.places import province_name, ward_name


@dataclass(frozen=True)
class ProductRecord:
    product_id: int
    title: str
    producer_name: str
    producer_code: str
    producer_kind: str
    province_code: int | None
    province: str
    commune: str
    group: str
    subgroup: str
    description: str
    stars: int
    price: int | None  # VND, the producer's price; the lowest of the variants' for a product with variants
    date_created: str  # ISO 8601, for "newest first"
    # Whether it may be found: all of these, and valid_from <= the day <= valid_until.
    searchable: bool  # public, browsable, an active certificate with enough stars
    valid_from: date | None
    valid_until: date | None
    category_ids: tuple[int, ...] = ()
    # Open sales points holding it in stock.
    sales_point_ids: tuple[int, ...] = ()
    # (fair id, the fair's last day) of each fair where its producer has a booth.
    fairs: tuple[tuple[int, date], ...] = field(default_factory=tuple)

    @property
    def fingerprint(self):
        """A short hash of everything in the record: the drift repair compares the database's with the index's."""
        return hashlib.sha1(repr(astuple(self)).encode(), usedforsecurity=False).hexdigest()[:16]

    def is_for_sale_on(self, day):
        return self.searchable and self.valid_from <= day <= self.valid_until

    def has_fair_on_or_after(self, day):
        return any(ends_on >= day for _fair, ends_on in self.fairs)


def group_labels(group, subgroup):
    """(the group's label, the sub-group's label), each in Vietnamese then English."""
    group_label = ProductGroup(group).label if group in ProductGroup.values else ""
    subgroup_label = dict(SUBGROUP_CHOICES).get(subgroup, "")
    return in_both_languages(group_label), in_both_languages(subgroup_label)


def with_parents(product_ids):
    """These product ids as a set, with the parent of each variant among them: a variant is searched
    as its parent, so its change (price, stock) updates the parent's record."""
    product_ids = {int(product_id) for product_id in product_ids}
    if product_ids:
        product_ids |= set(
            Product.objects.filter(pk__in=product_ids, parent__isnull=False).values_list("parent_id", flat=True)
        )
    return product_ids


def records_queryset():
    """Products with what their records need, fetched in a few queries whatever their number."""
    return (
        Product.objects.filter(parent__isnull=True)
        .select_related("certificate", "producer")
        .prefetch_related(
            "stockrecords",
            Prefetch("children", queryset=Product.objects.prefetch_related("stockrecords")),
            "categories",
        )
    )


def product_records(products):
    """The ProductRecord of each of ``products`` (a queryset of records_queryset(), or ids)."""
    if not hasattr(products, "query"):
        products = records_queryset().filter(pk__in=list(products))
    products = list(products)
    producer_ids = {product.producer_id for product in products if product.producer_id}
    product_ids = [product.pk for product in products]
    sales_points = _sales_points_holding(product_ids)
    fairs = _fairs_of(producer_ids)
    return [
        _record(product, sales_points.get(product.pk, ()), fairs.get(product.producer_id, ())) for product in products
    ]


def _record(product, sales_point_ids, fairs):
    producer = product.producer
    certificate = product.certificate
    searchable = bool(
        product.is_public
        and producer is not None
        and certificate is not None
        and certificate.status == OcopCertificate.Status.ACTIVE
        and certificate.stars >= settings.OCOP_MIN_STARS_FOR_SALE
    )
    return ProductRecord(
        product_id=product.pk,
        title=product.title,
        producer_name=producer.name if producer else "",
        producer_code=producer.code if producer else "",
        producer_kind=producer.producer_kind if producer else "",
        province_code=producer.province_code if producer else None,
        province=province_name(producer.province_code) if producer and producer.province_code else "",
        commune=ward_name(producer.ward_code) if producer and producer.ward_code else "",
        group=certificate.group if certificate else "",
        subgroup=certificate.subgroup if certificate else "",
        description=strip_tags(product.description or "").strip(),
        stars=certificate.stars if certificate else 0,
        price=_producer_price(product),
        date_created=product.date_created.isoformat(),
        searchable=searchable,
        valid_from=certificate.valid_from if certificate else None,
        valid_until=certificate.valid_until if certificate else None,
        category_ids=tuple(sorted(category.pk for category in product.categories.all())),
        sales_point_ids=tuple(sorted(sales_point_ids)),
        fairs=tuple(sorted(fairs)),
    )


def _producer_price(product):
    """The producer's price (its own stock record's), the lowest of the variants' for a parent."""
    candidates = list(product.children.all()) if product.is_parent else [product]
    prices = [
        int(record.price)
        for candidate in candidates
        for record in candidate.stockrecords.all()
        if record.partner_id == product.producer_id and record.price is not None
    ]
    return min(prices) if prices else None


def _sales_points_holding(product_ids):
    """{product id: ids of open sales points with some of it in stock}."""
    from shop.partner.models import StockRecord

    holding = {}
    rows = (
        StockRecord.objects.filter(
            product_id__in=product_ids,
            partner__sales_point__status=SalesPoint.Status.OPERATING,
            num_in_stock__gt=0,
        )
        .values_list("product_id", "partner__sales_point__id")
        .distinct()
    )
    for product_id, sales_point_id in rows:
        holding.setdefault(product_id, set()).add(sales_point_id)
    return holding


def _fairs_of(producer_ids):
    """{producer id: {(fair id, the fair's last day)} of the fairs where it has a booth}."""
    fairs = {}
    for producer_id, fair_id, ends_on in Booth.objects.filter(producer_id__in=producer_ids).values_list(
        "producer_id", "fair_id", "fair__ends_on"
    ):
        fairs.setdefault(producer_id, set()).add((fair_id, ends_on))
    return fairs
