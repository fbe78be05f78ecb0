"""The Elasticsearch index of products: its analyzers, its mapping and the document of a ProductRecord.

Text is folded as search.text.fold() folds it (lower case, no diacritics, "đ" as "d"): the
"folded" analyzer (standard tokenizer, a char filter mapping đ/Đ to d/D, lowercase and
asciifolding) indexes it, and the "folded_search" analyzer, the same with a synonym_graph filter
made of search.text.folded_synonym_sets(), reads what buyers type. The "prefix" analyzer indexes
edge n-grams of each folded word for the suggestions as they type ("mat o" finds "Mật ong").
Facets count keyword, integer and boolean fields.

Each index is named ``{ELASTICSEARCH_INDEX_PREFIX}-products-<timestamp>`` and is searched
through the alias ``{ELASTICSEARCH_INDEX_PREFIX}-products``: a rebuild fills a new index, then
moves the alias to it in one step. Sales points and fairs (search.place_records) have an index of
their own, with the same analyzers, behind the alias ``{ELASTICSEARCH_INDEX_PREFIX}-places``.
"""

from datetime import UTC, datetime

from django.conf import settings
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Long,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from search.records import group_labels
from search.text import fold, folded_synonym_sets

MAX_PREFIX = 20

# asciifolding leaves "đ" alone in some versions of Lucene; this mapping makes it a "d" first.
d_stroke = char_filter("d_stroke", "mapping", mappings=["đ=>d", "Đ=>D"])

folded = analyzer("folded", tokenizer="standard", char_filter=[d_stroke], filter=["lowercase", "asciifolding"])


def synonyms_filter():
    """A search-time synonym_graph filter of the folded synonym sets, one "a, b, c" rule a set."""
    return token_filter(
        "ocop_synonyms",
        "synonym_graph",
        synonyms=[", ".join(phrases) for phrases in folded_synonym_sets()],
    )


def folded_search():
    return analyzer(
        "folded_search",
        tokenizer="standard",
        char_filter=[d_stroke],
        filter=["lowercase", "asciifolding", synonyms_filter()],
    )


word_prefixes = token_filter("word_prefixes", "edge_ngram", min_gram=1, max_gram=MAX_PREFIX)

prefix = analyzer(
    "prefix",
    tokenizer="standard",
    char_filter=[d_stroke],
    filter=["lowercase", "asciifolding", word_prefixes],
)


def searched_text(**kwargs):
    """A text field indexed folded and searched folded with synonyms."""
    return Text(analyzer=folded, search_analyzer=folded_search(), **kwargs)


def suggested_text():
    """A searched text with a keyword sub-field (its value as it is) and a word-prefix sub-field."""
    return searched_text(
        fields={
            "raw": Keyword(),
            "prefix": Text(analyzer=prefix, search_analyzer=folded),
        }
    )


class ProductDocument(Document):
    """One ProductRecord as indexed; its _id is the product's id."""

    product_id = Integer()
    title = suggested_text()
    title_sort = Keyword()  # fold(title): the order of titles whatever their diacritics
    producer_name = suggested_text()
    producer_code = Keyword()
    producer_kind = Keyword()
    province_code = Integer()
    province = suggested_text()
    commune = searched_text()
    group = Keyword()
    group_label = searched_text()
    subgroup = Keyword()
    subgroup_label = searched_text()
    description = searched_text()
    # The words of the title and producer the "did you mean" suggestion draws on, without synonyms.
    spelling = Text(analyzer=folded)
    stars = Integer()
    price = Long()
    date_created = Date()
    searchable = Boolean()
    valid_from = Date()
    valid_until = Date()
    category_ids = Integer()
    sales_point_ids = Integer()
    has_sales_point = Boolean()
    fair_ids = Integer()
    fair_end_dates = Date()
    fingerprint = Keyword(index=False)

    @classmethod
    def from_record(cls, record):
        group_label, subgroup_label = group_labels(record.group, record.subgroup)
        return cls(
            meta={"id": record.product_id},
            product_id=record.product_id,
            title=record.title,
            title_sort=fold(record.title),
            producer_name=record.producer_name,
            producer_code=record.producer_code,
            producer_kind=record.producer_kind,
            province_code=record.province_code,
            province=record.province,
            commune=record.commune,
            group=record.group,
            group_label=group_label,
            subgroup=record.subgroup,
            subgroup_label=subgroup_label,
            description=record.description,
            spelling=f"{record.title} {record.producer_name}",
            stars=record.stars,
            price=record.price,
            date_created=record.date_created,
            searchable=record.searchable,
            valid_from=record.valid_from,
            valid_until=record.valid_until,
            category_ids=list(record.category_ids),
            sales_point_ids=list(record.sales_point_ids),
            has_sales_point=bool(record.sales_point_ids),
            fair_ids=[fair_id for fair_id, _ends_on in record.fairs],
            fair_end_dates=[ends_on for _fair_id, ends_on in record.fairs],
            fingerprint=record.fingerprint,
        )


class PlaceDocument(Document):
    """One PlaceRecord as indexed; its _id is ``{kind}-{id}`` (place_id)."""

    kind = Keyword()
    place_id = Integer()
    name = searched_text()
    name_sort = Keyword()
    places = searched_text()
    other = searched_text()
    products = searched_text()
    starts_on = Date()
    ends_on = Date()
    fingerprint = Keyword(index=False)

    @classmethod
    def from_record(cls, record):
        return cls(
            meta={"id": place_document_id(record.key)},
            kind=record.kind,
            place_id=record.place_id,
            name=record.name,
            name_sort=record.name_sort,
            places=record.places,
            other=record.other,
            products=record.products,
            starts_on=record.starts_on,
            ends_on=record.ends_on,
            fingerprint=record.fingerprint,
        )


def place_document_id(key):
    kind, place_id = key
    return f"{kind}-{place_id}"


def alias_name():
    """The alias every search of products reads: ``{prefix}-products``."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-products"


def places_alias_name():
    """The alias every search of places reads: ``{prefix}-places``."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-places"


def new_index_name(alias=None):
    """A fresh index name behind ``alias`` (the products' by default): ``{alias}-<UTC timestamp to the microsecond>``."""
    return f"{alias or alias_name()}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


def _index(name, document):
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0, max_ngram_diff=MAX_PREFIX)
    index.document(document)
    return index


def products_index(name):
    """The index ``name`` with the products' settings, analyzers and mapping."""
    return _index(name, ProductDocument)


def places_index(name):
    """The index ``name`` with the places' settings, analyzers and mapping."""
    return _index(name, PlaceDocument)
