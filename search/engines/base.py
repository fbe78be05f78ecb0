"""What a search engine is asked and what it answers; both engines (database, elasticsearch) do the same.

A ProductQuery is the buyer's words, the facets they narrowed by, a sort order, a page and the day
the products must be for sale on. Facets combine with AND across facets and OR inside one: a
facet's counts are those of the query with every other facet applied and its own left out, so a
buyer sees how many products each other value of that facet would give.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.models import today

# Price bands of the price facet, in VND: (key, label, lowest included, highest excluded or None).
PRICE_BANDS = (
    ("under-100k", _("Under 100,000 ₫"), 0, 100_000),
    ("100k-200k", _("100,000 ₫ to 200,000 ₫"), 100_000, 200_000),
    ("200k-500k", _("200,000 ₫ to 500,000 ₫"), 200_000, 500_000),
    ("500k-1m", _("500,000 ₫ to 1,000,000 ₫"), 500_000, 1_000_000),
    ("over-1m", _("1,000,000 ₫ and over"), 1_000_000, None),
)
PRICE_BAND_KEYS = tuple(band[0] for band in PRICE_BANDS)

SORTS = ("relevance", "stars", "price_asc", "price_desc", "newest")

# How a word of the query scores, by the best field it matches; a product's score adds its words'
# scores and its stars. The title outweighs any other field whatever the stars.
TITLE_WORD_SCORE = 12  # the word as typed, in the title
TITLE_SCORE = 10  # a synonym of it or a word one typo away, in the title
PRODUCER_SCORE = 6
PLACES_GROUP_SCORE = 4  # the province, the commune, the group's or sub-group's label
DESCRIPTION_SCORE = 1

# The facets, in the order the page shows them.
FACETS = ("stars", "group", "province", "producer_kind", "price", "at_sales_point", "at_fair")


@dataclass(frozen=True)
class ProductQuery:
    text: str = ""
    stars: tuple[int, ...] = ()
    groups: tuple[str, ...] = ()
    provinces: tuple[int, ...] = ()
    producer_kinds: tuple[str, ...] = ()
    price_bands: tuple[str, ...] = ()
    at_sales_point: bool = False  # only products held by an open sales point
    at_fair: bool = False  # only products whose producer has a booth at a fair not yet over
    # A catalogue page: products of these groups / this sub-group / these categories (any of them).
    category_groups: tuple[str, ...] = ()
    category_subgroup: str = ""
    category_ids: tuple[int, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = 24
    day: date = field(default_factory=today)

    def selected(self, facet):
        """The values selected in ``facet`` (a name of FACETS), as the facet's values are keyed."""
        return {
            "stars": set(self.stars),
            "group": set(self.groups),
            "province": set(self.provinces),
            "producer_kind": set(self.producer_kinds),
            "price": set(self.price_bands),
            "at_sales_point": {True} if self.at_sales_point else set(),
            "at_fair": {True} if self.at_fair else set(),
        }[facet]


@dataclass(frozen=True)
class FacetCount:
    value: object  # 4 (stars), "food" (group), 42 (province), "under-100k" (price), True (yes/no facets)
    count: int
    selected: bool


@dataclass(frozen=True)
class ProductResults:
    product_ids: tuple[int, ...]  # this page's, in order
    total: int
    facets: dict  # facet name -> tuple of FacetCount, values with no product left out unless selected
    suggestion: str = ""  # when nothing matched: the closest query that would match something
    engine: str = ""
    fell_back: bool = False  # Elasticsearch did not answer: these come from the database engine


@dataclass(frozen=True)
class PlaceQuery:
    """The buyer's words on a tab of places: sales points or fairs (search.place_records.PLACE_KINDS).

    Text matches as for products (folded, every word in some field, synonyms, a typo); no text
    gives every place of the kind found on ``day``: sales points by name, fairs by first day."""

    text: str = ""
    kind: str = "sales_point"
    page: int = 1
    per_page: int = 20
    day: date = field(default_factory=today)


@dataclass(frozen=True)
class PlaceResults:
    kind: str
    ids: tuple[int, ...]  # this page's, in order
    total: int
    totals: dict  # kind -> how many places of that kind match the same text on the same day (the tabs)
    engine: str = ""
    fell_back: bool = False  # Elasticsearch did not answer: these come from the database engine


@dataclass(frozen=True)
class Suggestion:
    """One suggestion as the buyer types: a product, a producer or a province."""

    kind: str  # "product", "producer", "province"
    text: str
    url: str


def product_suggestions(product_ids):
    """Suggestions of these products, in this order (ids no longer in the database left out)."""
    from catalog.models import Product

    found = Product.objects.in_bulk(product_ids)
    return [
        Suggestion("product", found[pk].get_title(), found[pk].get_absolute_url()) for pk in product_ids if pk in found
    ]


def producer_suggestion(name, code):
    return Suggestion("producer", name, reverse("partner:producer-detail", kwargs={"code": code}))


def province_suggestion(name, code):
    return Suggestion("province", name, f"{reverse('catalogue:index')}?province={int(code)}")


def mixed_suggestions(products, others, limit):
    """Products first, then producers and provinces: the products fill at least half of the list
    when there are enough of them, and whatever the others leave."""
    shown = max(limit - len(others), min(len(products), limit - limit // 2))
    return (products[:shown] + others)[:limit]


class SearchEngine(ABC):
    """The interface of both engines."""

    name = ""

    @abstractmethod
    def search_products(self, query: ProductQuery) -> ProductResults:
        """The page of products for sale on ``query.day`` that match, with the facets' counts."""

    @abstractmethod
    def suggest(self, text: str, *, day: date | None = None, limit: int = 8) -> list[Suggestion]:
        """What to offer as the buyer types ``text``: products for sale, producers and provinces."""

    @abstractmethod
    def update_products(self, product_ids) -> None:
        """Bring these products up to date: indexed from their current ProductRecord when they are
        searchable, removed when they are not or no longer exist. Safe to run again."""

    @abstractmethod
    def rebuild(self, progress=None) -> int:
        """Index every product and every place afresh, without the search going down meanwhile;
        returns how many products are indexed. ``progress(done, total)`` is called as the products go."""

    @abstractmethod
    def indexed_fingerprints(self) -> dict[int, str]:
        """{product id: ProductRecord.fingerprint} of what is indexed now, for the drift repair."""

    @abstractmethod
    def search_places(self, query: PlaceQuery) -> PlaceResults:
        """The page of places of ``query.kind`` found on ``query.day`` that match, with each kind's total."""

    @abstractmethod
    def update_places(self, keys) -> None:
        """Bring these places ((kind, id) pairs) up to date: indexed from their current PlaceRecord
        when they are searchable, removed when they are not or no longer exist. Safe to run again."""

    @abstractmethod
    def indexed_place_fingerprints(self) -> dict[tuple[str, int], str]:
        """{(kind, id): PlaceRecord.fingerprint} of what is indexed now, for the drift repair."""
