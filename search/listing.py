"""A page of products from the search engine, ready for the catalogue, category and search pages.

The engine answers ids, a total and the facets' counts; this turns them into the products of the
page (with what a product card needs), a Django page that the pagination partial understands,
the facets with their labels, and, for each product of the page, where a buyer can see it in
person: how many open sales points hold it, and its producer's booth at the next fair.

The sales points and fairs matching the same words have tabs of their own (place_tabs, places_page).
"""

from dataclasses import dataclass

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, today
from search.engines import search_engine
from search.engines.base import FACETS, PlaceQuery, ProductQuery
from search.place_records import FAIR, PLACE_KINDS, SALES_POINT
from shop.outlets.models import Booth, Fair, SalesPoint

# The yes/no facets: one checkbox (value "on", labelled as its form field) under a heading of its own.
YES_NO_FACETS = {"at_sales_point": _("See it in person"), "at_fair": _("At a fair")}


@dataclass(frozen=True)
class FacetValueChoice:
    value: object
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetChoices:
    name: str  # also the name of its field in search.forms.CatalogueFilterForm
    label: str
    values: tuple


class ResultList:
    """What Django's Paginator pages through: the engine's total, and the page it was asked for."""

    def __init__(self, total, offset, products):
        self.total, self.offset, self.products = total, offset, products

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice) and index.start == self.offset:
            return self.products
        raise IndexError("only the page the engine answered can be read")


def page_number_of(value):
    """The page number asked (``?page=``), 1 when none; InvalidPage when it is not one."""
    try:
        number = int(value or 1)
    except (TypeError, ValueError) as error:
        raise InvalidPage(str(error)) from error
    if number < 1:
        raise InvalidPage("page numbers start at 1")
    return number


def engine_page(total, number, per_page, items):
    """The Django page ``number`` of ``total`` results, ``items`` being the engine's answer for it."""
    paginator = Paginator(ResultList(total, (number - 1) * per_page, items), per_page)
    if total and number > paginator.num_pages:
        raise InvalidPage("that page is past the last one")
    return paginator.page(number) if total else paginator.page(1)


def search_page(form, *, page_number, per_page, category=None):
    """(Django page, ProductResults, products of the page) for a valid CatalogueFilterForm.

    Raises django.core.paginator.InvalidPage for a page number out of range.
    """
    number = page_number_of(page_number)
    query = form.product_query(page=number, per_page=per_page, category=category)
    results = search_engine().search_products(query)
    products = products_in_order(results.product_ids)
    return engine_page(results.total, number, per_page, products), results, products


def places_page(kind, text, *, page_number, per_page, day=None):
    """(Django page, PlaceResults, places of the page: SalesPoint or Fair objects) of the places of
    ``kind`` matching ``text``. Raises django.core.paginator.InvalidPage for a page number out of range."""
    number = page_number_of(page_number)
    day = day or today()
    results = search_engine().search_places(PlaceQuery(text=text, kind=kind, page=number, per_page=per_page, day=day))
    places = places_in_order(kind, results.ids, day)
    return engine_page(results.total, number, per_page, places), results, places


def places_in_order(kind, ids, day):
    """The sales points (with their partner) or fairs of these ids, in this order (those no longer
    open or over, which the index may not know yet, left out)."""
    if kind == SALES_POINT:
        found = SalesPoint.objects.open_to_buyers().select_related("partner").in_bulk(ids)
    else:
        found = Fair.objects.upcoming(day).in_bulk(ids)
    return [found[place_id] for place_id in ids if place_id in found]


@dataclass(frozen=True)
class Tab:
    label: str
    count: int
    url: str
    active: bool


TAB_URLS = {"products": "search:search", SALES_POINT: "search:sales-points", FAIR: "search:fairs"}
TAB_LABELS = {"products": _("Products"), SALES_POINT: _("Sales points"), FAIR: _("Fairs")}


def products_total(text):
    """How many products for sale today match ``text``, for the products' tab."""
    return search_engine().search_products(ProductQuery(text=text, per_page=0)).total


def place_totals(text):
    """{kind: how many places of that kind match ``text`` today}, from one search."""
    return search_engine().search_places(PlaceQuery(text=text, kind=SALES_POINT, per_page=0)).totals


def place_tabs(text, *, active, products_total, place_totals):
    """The result tabs of a search: products, sales points and fairs for the same words, with their counts."""
    totals = {"products": products_total, **place_totals}
    querystring = f"?{urlencode({'q': text})}" if text else ""
    return [
        Tab(
            label=TAB_LABELS[name],
            count=totals.get(name, 0),
            url=reverse(TAB_URLS[name]) + querystring,
            active=name == active,
        )
        for name in ("products", *PLACE_KINDS)
    ]


def products_in_order(product_ids):
    """The products of these ids, in this order, with what a product card needs (those no longer
    for sale, which the index may not know yet, left out)."""
    found = Product.objects.for_listing().in_bulk(product_ids)
    return [found[product_id] for product_id in product_ids if product_id in found]


def facet_choices(results, form):
    """The facets of ``results``, in the order of FACETS, empty ones left out, labelled as the fields
    and choices of ``form`` (search.forms.CatalogueFilterForm) are."""
    choices = []
    for facet in FACETS:
        values = results.facets.get(facet, ())
        if not values:
            continue
        field = form.fields[facet]
        if facet in YES_NO_FACETS:
            label, values = YES_NO_FACETS[facet], [(count, "on", field.label) for count in values]
        else:
            names = dict(field.choices)
            label, values = field.label, [(count, count.value, names.get(count.value, count.value)) for count in values]
        choices.append(
            FacetChoices(
                name=facet,
                label=label,
                values=tuple(
                    FacetValueChoice(value=value, label=value_label, count=count.count, selected=count.selected)
                    for count, value, value_label in values
                ),
            )
        )
    return choices


def mark_where_to_see(products, day=None):
    """Give each product of a page its ``seen_in_person``: {"sales_points": how many open sales points
    hold it, "booth": its producer's booth at the next fair not yet over, or None}. Two queries."""
    from shop.partner.models import StockRecord

    product_ids = [product.pk for product in products]
    held = dict(
        StockRecord.objects.filter(
            product_id__in=product_ids,
            partner__sales_point__status=SalesPoint.Status.OPERATING,
            num_in_stock__gt=0,
        )
        .values("product_id")
        .annotate(sales_points=Count("partner", distinct=True))
        .values_list("product_id", "sales_points")
    )
    producer_ids = {product.producer_id for product in products if product.producer_id}
    next_booth = {}
    booths = (
        Booth.objects.filter(producer_id__in=producer_ids, fair__in=Fair.objects.upcoming(day))
        .select_related("fair")
        .order_by("fair__starts_on", "fair__name", "number")
    )
    for booth in booths:
        next_booth.setdefault(booth.producer_id, booth)
    for product in products:
        product.seen_in_person = {"sales_points": held.get(product.pk, 0), "booth": next_booth.get(product.producer_id)}
    return products


def loosening_links(params, facets):
    """(label, query string) for each selected facet value: the same search without that value, the
    page reset. Offered when nothing matched, so that the buyer can loosen one filter at a time."""
    links = []
    for facet in facets:
        for choice in facet.values:
            if not choice.selected:
                continue
            query = params.copy()
            query.pop("page", None)
            query.setlist(facet.name, [value for value in query.getlist(facet.name) if value != str(choice.value)])
            links.append((f"{facet.label}: {choice.label}", query.urlencode()))
    return links
