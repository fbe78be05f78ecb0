"""What the search knows of a sales point or a fair: one record, built from the database, that both
engines index (as search.records does for products).

A place is keyed by (kind, id), kind being PLACE_KINDS' "sales_point" or "fair". A buyer finds it
by its name, its places (province, commune, street, venue), its other text (operator or organiser,
kind and location labels, description) and what can be found there: the titles of the products
for sale a sales point holds in stock; the producers of a fair's booths and the titles of the
products its booths show. Only an open sales point is indexed; a fair is indexed whatever its
dates and is found on day d when it ends on d or later, checked at query time with the day asked.
"""

import hashlib
from dataclasses import astuple, dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils.html import strip_tags

from search.text import fold, in_both_languages
from shop.outlets.models import Booth, Fair, SalesPoint
from shop.partner.places import province_name, ward_name

SALES_POINT = "sales_point"
FAIR = "fair"
PLACE_KINDS = (SALES_POINT, FAIR)
# The order of a kind's places when the text does not rank them (and among those it ranks alike),
# before the final tie-break by id: sales points by name, fairs by their first day then name.
PLACE_ORDER = {SALES_POINT: ("name_sort",), FAIR: ("starts_on", "name_sort")}


@dataclass(frozen=True)
class PlaceRecord:
    kind: str  # SALES_POINT or FAIR
    place_id: int
    name: str
    places: str  # province, commune or ward, street, venue
    other: str  # operator or organiser, kind and location labels, description
    products: str  # what can be found there: product titles, a fair's producers
    name_sort: str  # fold(name): names in order whatever their diacritics
    searchable: bool  # a sales point open to buyers; any fair
    starts_on: date | None = None  # a fair's first day
    ends_on: date | None = None  # a fair's last day: found on day d when ends_on >= d

    @property
    def key(self):
        return (self.kind, self.place_id)

    @property
    def fingerprint(self):
        """A short hash of everything in the record: the drift repair compares the database's with the index's."""
        return hashlib.sha1(repr(astuple(self)).encode(), usedforsecurity=False).hexdigest()[:16]

    def is_visible_on(self, day):
        return self.searchable and (self.ends_on is None or self.ends_on >= day)


def place_keys(keys):
    """These keys as a set of (kind, id) tuples; a key may come as a list (from a task's JSON)."""
    normalized = set()
    for kind, place_id in keys:
        if kind not in PLACE_KINDS:
            raise ValueError(f"not a kind of place: {kind!r}")
        normalized.add((kind, int(place_id)))
    return normalized


def all_place_keys():
    """The key of every sales point and fair, in order."""
    return [(SALES_POINT, pk) for pk in SalesPoint.objects.order_by("pk").values_list("pk", flat=True)] + [
        (FAIR, pk) for pk in Fair.objects.order_by("pk").values_list("pk", flat=True)
    ]


def place_records(keys):
    """The PlaceRecord of each place of ``keys`` that exists, in a few queries whatever their number."""
    keys = place_keys(keys)
    sales_point_ids = [place_id for kind, place_id in keys if kind == SALES_POINT]
    fair_ids = [place_id for kind, place_id in keys if kind == FAIR]
    records = []
    if sales_point_ids:
        sales_points = list(SalesPoint.objects.filter(pk__in=sales_point_ids).select_related("partner"))
        titles = _titles_held([sales_point.partner_id for sales_point in sales_points])
        records += [_sales_point_record(each, titles.get(each.partner_id, ())) for each in sales_points]
    if fair_ids:
        booths = Booth.objects.select_related("producer").prefetch_related("products")
        fairs = Fair.objects.filter(pk__in=fair_ids).prefetch_related(Prefetch("booths", queryset=booths))
        records += [_fair_record(fair) for fair in fairs]
    return sorted(records, key=lambda record: record.key)


def _join(*parts):
    return " ".join(part.strip() for part in parts if part and part.strip())


def _sales_point_record(sales_point, titles):
    partner = sales_point.partner
    return PlaceRecord(
        kind=SALES_POINT,
        place_id=sales_point.pk,
        name=partner.name,
        places=_join(
            province_name(partner.province_code) if partner.province_code else "",
            ward_name(partner.ward_code) if partner.ward_code else "",
            partner.street_address,
        ),
        other=_join(
            sales_point.operator,
            in_both_languages(
                SalesPoint.Kind(sales_point.kind).label,
                SalesPoint.LocationCategory(sales_point.location_category).label,
            ),
            strip_tags(sales_point.description or ""),
        ),
        products=_join(*titles),
        name_sort=fold(partner.name),
        searchable=sales_point.status == SalesPoint.Status.OPERATING,
    )


def _fair_record(fair):
    booths = list(fair.booths.all())
    producers = sorted({booth.producer.name for booth in booths})
    titles = sorted({product.title for booth in booths for product in booth.products.all()})
    return PlaceRecord(
        kind=FAIR,
        place_id=fair.pk,
        name=fair.name,
        places=_join(province_name(fair.province_code), ward_name(fair.ward_code), fair.street_address, fair.venue),
        other=_join(fair.organiser, strip_tags(fair.description or "")),
        products=_join(*producers, *titles),
        name_sort=fold(fair.name),
        searchable=True,
        starts_on=fair.starts_on,
        ends_on=fair.ends_on,
    )


def _titles_held(partner_ids):
    """{sales point partner id: titles of the products for sale it holds in stock, in order}; a
    variant held counts as its parent."""
    from catalog.models import Product
    from shop.partner.models import StockRecord

    held = StockRecord.objects.filter(partner_id__in=partner_ids, num_in_stock__gt=0).values_list(
        "partner_id", "product_id", "product__parent_id"
    )
    owners = {}
    for partner_id, product_id, parent_id in held:
        owners.setdefault(partner_id, set()).add(parent_id or product_id)
    all_owners = set().union(*owners.values()) if owners else set()
    for_sale = dict(Product.objects.for_sale().filter(pk__in=all_owners).values_list("pk", "title"))
    return {
        partner_id: sorted(for_sale[owner] for owner in product_ids if owner in for_sale)
        for partner_id, product_ids in owners.items()
    }
