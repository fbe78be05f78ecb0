"""The Elasticsearch engine: products searched through the alias of search.documents.

Every query filters on the record's ``searchable`` flag and on its certificate's validity dates
with the day asked, so a certificate that lapses at midnight drops its product at midnight. Facets
are disjunctive: the hits are narrowed by a post_filter holding every selected facet, and each
facet's aggregation is filtered by the other facets only. Errors of the cluster (down, slow,
failing) are raised as the client raises them; search.engines falls back on the database engine.

Sales points and fairs are searched through the places' alias the same way: every word in some
field (name, places, other text, products text, ranked in that order), a fair only until its last day.
"""

import functools
from dataclasses import replace
from datetime import date

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import Q, Search

from catalog.groups import ProductGroup
from catalog.models import today
from search.documents import (
    PlaceDocument,
    ProductDocument,
    alias_name,
    new_index_name,
    place_document_id,
    places_alias_name,
    places_index,
    products_index,
)
from search.engines.base import (
    DESCRIPTION_SCORE,
    FACETS,
    PLACES_GROUP_SCORE,
    PRICE_BANDS,
    PRODUCER_SCORE,
    TITLE_SCORE,
    TITLE_WORD_SCORE,
    FacetCount,
    PlaceQuery,
    PlaceResults,
    ProductQuery,
    ProductResults,
    SearchEngine,
    Suggestion,
    mixed_suggestions,
    producer_suggestion,
    product_suggestions,
    province_suggestion,
)
from search.place_records import FAIR, PLACE_KINDS, PLACE_ORDER, SALES_POINT, all_place_keys, place_keys, place_records
from search.records import product_records, records_queryset, with_parents
from search.text import fold, folded_synonym_sets, words

# The fields a word is looked for in, with what it scores there (as the database engine scores).
PRODUCT_FIELD_SCORES = (
    (("title",), TITLE_SCORE),
    (("producer_name",), PRODUCER_SCORE),
    (("province", "commune", "group_label", "subgroup_label"), PLACES_GROUP_SCORE),
    (("description",), DESCRIPTION_SCORE),
)
# A place's name highest, then its places, then its other text, then what can be found there.
PLACE_FIELD_SCORES = (
    (("name",), TITLE_SCORE),
    (("places",), PRODUCER_SCORE),
    (("other",), PLACES_GROUP_SCORE),
    (("products",), DESCRIPTION_SCORE),
)
# One edit for a word of 4 letters or more as typed ("mamm" finds "mắm", "nuoc mamm" being the
# issue's own example), two from 100: in effect one typo in any word worth correcting.
FUZZINESS = "AUTO:4,100"
CHUNK = 500
BULK_TIMEOUT = 120  # seconds: a bulk of 500 documents may take longer than a search
MAX_VARIANTS = 16


def for_sale_on(day):
    """The filters every query has: searchable, and the certificate valid on ``day``."""
    return [
        Q("term", searchable=True),
        Q("range", valid_from={"lte": day.isoformat()}),
        Q("range", valid_until={"gte": day.isoformat()}),
    ]


def synonym_variants(text):
    """The folded words of ``text``, and of each text made from it by replacing a phrase of a
    synonym set with another phrase of the same set ("nhung nai" gives "nhung huou" too)."""
    variants = [fold(text)]
    for phrases in folded_synonym_sets():
        for variant in list(variants):
            padded = f" {variant} "
            for phrase in phrases:
                if f" {phrase} " in padded:
                    for other in phrases:
                        if other != phrase:
                            candidate = padded.replace(f" {phrase} ", f" {other} ").strip()
                            if candidate not in variants:
                                variants.append(candidate)
    return [variant.split() for variant in variants[:MAX_VARIANTS] if variant]


def word_query(word, *, field_scores, exact_field):
    """A word in some field, a typo allowed, scoring by the best field it is in (``field_scores``:
    (fields, score) from the best); a word as the buyer typed it (``exact_field`` given, not for a
    synonym's) scores more when that field has it exactly."""
    scored = [
        Q(
            "constant_score",
            filter=Q("multi_match", query=word, fields=list(fields), fuzziness=FUZZINESS),
            boost=score,
        )
        for fields, score in field_scores
    ]
    if exact_field:
        exact = Q("match", **{exact_field: {"query": word, "analyzer": "folded"}})
        scored.insert(0, Q("constant_score", filter=exact, boost=TITLE_WORD_SCORE))
    return Q("dis_max", queries=scored)


def text_query(text, field_scores=PRODUCT_FIELD_SCORES):
    """Every word of ``text`` (or of one of its synonym variants) in some field, a typo allowed; the
    score adds the words' scores, of the variant that scores most."""
    exact_field = field_scores[0][0][0]
    variants = [
        Q(
            "bool",
            must=[
                word_query(word, field_scores=field_scores, exact_field=exact_field if position == 0 else "")
                for word in variant_words
            ],
        )
        for position, variant_words in enumerate(synonym_variants(text))
    ]
    if len(variants) == 1:
        return variants[0]
    return Q("dis_max", queries=variants)


def places_found_on(day):
    """Every indexed sales point (only open ones are), and the fairs not over on ``day``."""
    fair_not_over = Q("bool", filter=[Q("term", kind=FAIR), Q("range", ends_on={"gte": day.isoformat()})])
    return Q("bool", should=[Q("term", kind=SALES_POINT), fair_not_over], minimum_should_match=1)


def facet_filters(query):
    """{facet: its filter} of the facets ``query`` selects values in."""
    filters = {}
    if query.stars:
        filters["stars"] = Q("terms", stars=list(query.stars))
    if query.groups:
        filters["group"] = Q("terms", group=list(query.groups))
    if query.provinces:
        filters["province"] = Q("terms", province_code=list(query.provinces))
    if query.producer_kinds:
        filters["producer_kind"] = Q("terms", producer_kind=list(query.producer_kinds))
    if query.price_bands:
        bands = {key: (low, high) for key, _label, low, high in PRICE_BANDS}
        ranges = []
        for key in query.price_bands:
            if key in bands:
                low, high = bands[key]
                ranges.append(Q("range", price={"gte": low} | ({"lt": high} if high is not None else {})))
        filters["price"] = Q("bool", should=ranges, minimum_should_match=1) if ranges else Q("match_none")
    if query.at_sales_point:
        filters["at_sales_point"] = Q("term", has_sales_point=True)
    if query.at_fair:
        filters["at_fair"] = Q("range", fair_end_dates={"gte": query.day.isoformat()})
    return filters


def category_filters(query):
    filters = []
    if query.category_groups:
        filters.append(Q("terms", group=list(query.category_groups)))
    if query.category_subgroup:
        filters.append(Q("term", subgroup=query.category_subgroup))
    if query.category_ids:
        filters.append(Q("terms", category_ids=list(query.category_ids)))
    return filters


def facet_aggregation(facet, day):
    """The aggregation counting ``facet``'s values (as a dict, inside a filter aggregation)."""
    if facet == "stars":
        return {"terms": {"field": "stars", "size": 10}}
    if facet == "group":
        return {"terms": {"field": "group", "size": 50}}
    if facet == "province":
        return {"terms": {"field": "province_code", "size": 100}}
    if facet == "producer_kind":
        return {"terms": {"field": "producer_kind", "size": 50}}
    if facet == "price":
        ranges = []
        for key, _label, low, high in PRICE_BANDS:
            band = {"key": key, "from": low}
            if high is not None:
                band["to"] = high
            ranges.append(band)
        return {"range": {"field": "price", "ranges": ranges}}
    if facet == "at_sales_point":
        return {"filter": {"term": {"has_sales_point": True}}}
    if facet == "at_fair":
        return {"filter": {"range": {"fair_end_dates": {"gte": day.isoformat()}}}}
    raise ValueError(facet)


SORTS = {
    "relevance": [{"_score": "desc"}, {"stars": "desc"}, {"product_id": "asc"}],
    "stars": [{"stars": "desc"}, {"title_sort": "asc"}, {"product_id": "asc"}],
    "price_asc": [{"price": {"order": "asc", "missing": "_last"}}, {"product_id": "asc"}],
    "price_desc": [{"price": {"order": "desc", "missing": "_last"}}, {"product_id": "asc"}],
    "newest": [{"date_created": "desc"}, {"product_id": "desc"}],
}


@functools.cache
def client_for(url, node_class, timeout):
    """One client (thread-safe, with its pool of connections) per server, node class and timeout,
    shared by the engines built for each request: no new connection, and no new check of the
    server's product, on each search."""
    options = {"request_timeout": timeout, "max_retries": 0}
    if node_class is not None:
        options["node_class"] = node_class
    return Elasticsearch(url, **options)


class ElasticsearchEngine(SearchEngine):
    name = "elasticsearch"

    def __init__(self, url=None, *, node_class=None, timeout=None):
        timeout = settings.ELASTICSEARCH_TIMEOUT if timeout is None else timeout
        self.client = client_for(url or settings.ELASTICSEARCH_URL, node_class, timeout)
        self.alias = alias_name()
        self.places_alias = places_alias_name()
        self.index_of_alias = {self.alias: products_index, self.places_alias: places_index}

    # --- searching -------------------------------------------------------------------------
    def _base_search(self, query):
        """The products of ``query`` for sale on its day, matching its text and categories."""
        search = Search(using=self.client, index=self.alias).extra(track_total_hits=True)
        filters = for_sale_on(query.day) + category_filters(query)
        if query.text and words(query.text):
            matched = Q(
                "function_score",
                query=text_query(query.text),
                functions=[{"field_value_factor": {"field": "stars", "missing": 0}}],
                boost_mode="sum",
            )
            return search.query(Q("bool", must=[matched], filter=filters))
        return search.query(Q("bool", filter=filters))

    def search_products(self, query: ProductQuery) -> ProductResults:
        search = self._base_search(query)
        selected = facet_filters(query)
        if selected:
            search = search.post_filter(Q("bool", filter=list(selected.values())))
        aggregations = {}
        for facet in FACETS:
            others = [facet_filter for name, facet_filter in selected.items() if name != facet]
            aggregations[facet] = {
                "filter": Q("bool", filter=others).to_dict() if others else {"match_all": {}},
                "aggs": {"values": facet_aggregation(facet, query.day)},
            }
        page = max(query.page, 1)
        body = search.to_dict()
        body.update(
            aggs=aggregations,
            sort=SORTS.get(query.sort, SORTS["relevance"]),
            size=query.per_page,
            _source=["product_id"],
        )
        body["from"] = (page - 1) * query.per_page
        response = self.client.search(index=self.alias, body=body)
        total = response["hits"]["total"]["value"]
        product_ids = tuple(int(hit["_id"]) for hit in response["hits"]["hits"])
        facets = {
            facet: self._facet_counts(facet, response["aggregations"][facet]["values"], query) for facet in FACETS
        }
        suggestion = ""
        if total == 0 and query.text and words(query.text):
            suggestion = self._did_you_mean(query)
        return ProductResults(
            product_ids=product_ids, total=total, facets=facets, suggestion=suggestion, engine=self.name
        )

    def _facet_counts(self, facet, aggregation, query):
        selected = query.selected(facet)
        if facet in ("at_sales_point", "at_fair"):
            counts = {True: aggregation["doc_count"]}
        elif facet == "price":
            counts = {bucket["key"]: bucket["doc_count"] for bucket in aggregation["buckets"]}
        else:
            counts = {}
            for bucket in aggregation["buckets"]:
                value = bucket["key"]
                counts[int(value) if facet in ("stars", "province") else str(value)] = bucket["doc_count"]
        values = [value for value, count in counts.items() if count > 0]
        values += [value for value in selected if value not in values]
        values.sort(key=self._facet_order(facet, counts))
        return tuple(
            FacetCount(value=value, count=counts.get(value, 0), selected=value in selected) for value in values
        )

    @staticmethod
    def _facet_order(facet, counts):
        if facet == "stars":
            return lambda value: -value
        if facet == "group":
            groups = list(ProductGroup.values)
            return lambda value: (groups.index(value) if value in groups else len(groups), value)
        if facet == "price":
            keys = [band[0] for band in PRICE_BANDS]
            return lambda value: keys.index(value) if value in keys else len(keys)
        return lambda value: (-counts.get(value, 0), value)

    def _did_you_mean(self, query):
        """The query's text with each word the index does not know replaced by the closest one it
        does, when that text finds something (in the query's categories, whatever its facets); else ""."""
        folded = fold(query.text)
        response = self.client.search(
            index=self.alias,
            body={
                "size": 0,
                "suggest": {
                    "text": folded,
                    "closest": {
                        "term": {
                            "field": "spelling",
                            "suggest_mode": "missing",
                            "sort": "score",
                            "min_word_length": 2,
                            "prefix_length": 0,
                            "max_edits": 2,
                        }
                    },
                },
            },
        )
        replaced = []
        changed = False
        for entry in response.get("suggest", {}).get("closest", []):
            options = entry.get("options") or []
            if options:
                replaced.append(options[0]["text"])
                changed = True
            else:
                replaced.append(entry["text"])
        suggestion = " ".join(replaced)
        if not changed or suggestion == folded:
            return ""
        candidate = replace(query, text=suggestion)  # its categories kept, its facets left out
        found = self.client.count(index=self.alias, body={"query": self._base_search(candidate).to_dict()["query"]})
        return suggestion if found["count"] else ""

    def suggest(self, text: str, *, day: date | None = None, limit: int = 8) -> list[Suggestion]:
        """Products whose title has words starting with the words typed (those whose title starts
        with the whole text first, then by stars and title), producers by their number of products
        for sale, provinces by code; products first, at least half the list when there are enough."""
        folded = fold(text)
        if not folded or limit <= 0:
            return []
        day = day or today()
        for_sale = for_sale_on(day)

        def prefixes(field):
            return Q("match", **{f"{field}.prefix": {"query": folded, "operator": "and"}})

        def names(field, code_field, order):
            return {
                "filter": prefixes(field).to_dict(),
                "aggs": {
                    "codes": {
                        "terms": {"field": code_field, "size": limit, "order": order},
                        "aggs": {"names": {"terms": {"field": f"{field}.raw", "size": 1}}},
                    }
                },
            }

        # The query scores 1 the products whose folded title starts with the text, the post_filter
        # keeps the products whose title has all the words; producers and provinces are counted over
        # every product for sale.
        body = {
            "size": limit,
            "_source": ["product_id"],
            "query": Q(
                "bool",
                filter=for_sale,
                should=[Q("constant_score", filter=Q("prefix", title_sort=folded), boost=1)],
            ).to_dict(),
            "post_filter": prefixes("title").to_dict(),
            "sort": [{"_score": "desc"}, {"stars": "desc"}, {"title_sort": "asc"}, {"product_id": "asc"}],
            "aggs": {
                "producers": names("producer_name", "producer_code", [{"_count": "desc"}, {"_key": "asc"}]),
                "provinces": names("province", "province_code", {"_key": "asc"}),
            },
        }
        response = self.client.search(index=self.alias, body=body)

        others = [
            producer_suggestion(bucket["names"]["buckets"][0]["key"], bucket["key"])
            for bucket in response["aggregations"]["producers"]["codes"]["buckets"]
            if bucket["names"]["buckets"]
        ]
        others += [
            province_suggestion(bucket["names"]["buckets"][0]["key"], bucket["key"])
            for bucket in response["aggregations"]["provinces"]["codes"]["buckets"]
            if bucket["names"]["buckets"]
        ]
        products = product_suggestions([int(hit["_id"]) for hit in response["hits"]["hits"]])
        return mixed_suggestions(products, others, limit)

    # --- places ----------------------------------------------------------------------------
    def search_places(self, query: PlaceQuery) -> PlaceResults:
        must = [text_query(query.text, PLACE_FIELD_SCORES)] if words(query.text) else []
        sort = [{"_score": "desc"}] if must else []
        sort += [{field: "asc"} for field in PLACE_ORDER.get(query.kind, ())] + [{"place_id": "asc"}]
        body = {
            "query": Q("bool", must=must, filter=[places_found_on(query.day)]).to_dict(),
            "post_filter": {"term": {"kind": query.kind}},
            "aggs": {"kinds": {"terms": {"field": "kind", "size": len(PLACE_KINDS)}}},
            "sort": sort,
            "size": query.per_page,
            "from": (max(query.page, 1) - 1) * query.per_page,
            "_source": ["place_id"],
            "track_total_hits": True,
        }
        response = self.client.search(index=self.places_alias, body=body)
        counted = {bucket["key"]: bucket["doc_count"] for bucket in response["aggregations"]["kinds"]["buckets"]}
        totals = {kind: counted.get(kind, 0) for kind in PLACE_KINDS}
        return PlaceResults(
            kind=query.kind,
            ids=tuple(int(hit["_source"]["place_id"]) for hit in response["hits"]["hits"]),
            total=response["hits"]["total"]["value"],
            totals=totals,
            engine=self.name,
        )

    def update_places(self, keys) -> None:
        keys = place_keys(keys)
        if not keys:
            return
        removed = dict.fromkeys(place_document_id(key) for key in sorted(keys))
        self._update(self.places_alias, removed | place_documents(place_records(keys)))

    def indexed_place_fingerprints(self) -> dict[tuple[str, int], str]:
        return {
            (source["kind"], int(source["place_id"])): source["fingerprint"]
            for source in self._indexed_sources(self.places_alias, ["kind", "place_id", "fingerprint"])
        }

    # --- indexing --------------------------------------------------------------------------
    def _indices_of_alias(self, alias=None):
        try:
            return sorted(self.client.indices.get_alias(name=alias or self.alias))
        except NotFoundError:
            return []

    def _create_index(self, alias=None):
        alias = alias or self.alias
        name = new_index_name(alias)
        # Creating an index may take longer than a search is given.
        self.index_of_alias[alias](name).create(using=self.client.options(request_timeout=BULK_TIMEOUT))
        return name

    def ensure_index(self, alias=None):
        """The index behind the alias (the products' by default), created (with the alias) when there is none yet."""
        alias = alias or self.alias
        indices = self._indices_of_alias(alias)
        if indices:
            return indices[-1]
        name = self._create_index(alias)
        self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": alias}}])
        return name

    def _indices_of_prefix(self, alias=None):
        """Every index behind ``alias`` (the products' by default): the alias's, and one a rebuild may be filling."""
        return sorted(self.client.indices.get(index=f"{alias or self.alias}-*", allow_no_indices=True))

    def _update(self, alias, sources):
        """Index each {document id: source} in the indices of ``alias``, or delete it when its source is None.

        The alias's index, and an index a rebuild is filling meanwhile, so that the rebuilt index
        does not miss a change made while it is built."""
        self.ensure_index(alias)
        indices = self._indices_of_prefix(alias)
        actions = []
        for document_id, source in sources.items():
            if source is not None:
                actions += [{"_op_type": "index", "_index": i, "_id": document_id, "_source": source} for i in indices]
            else:
                actions += [{"_op_type": "delete", "_index": i, "_id": document_id} for i in indices]
        client = self.client.options(request_timeout=BULK_TIMEOUT)
        _done, errors = helpers.bulk(client, actions, chunk_size=CHUNK, raise_on_error=False)
        # Deleting what is not indexed is no error: it is not indexed, as asked.
        errors = [error for error in errors if error.get("delete", {}).get("status") != 404]
        if errors:
            raise helpers.BulkIndexError(f"{len(errors)} document(s) failed to index.", errors)
        client.indices.refresh(index=",".join(indices))

    def update_products(self, product_ids) -> None:
        product_ids = with_parents(product_ids)
        if not product_ids:
            return
        removed = dict.fromkeys(sorted(product_ids))
        self._update(self.alias, removed | product_documents(product_records(product_ids)))

    def _rebuild_index(self, alias, chunks, total, progress=None):
        """Fill a new index behind ``alias`` from ``chunks`` (each a (number of objects, {document id:
        source}) pair), then move the alias to it in one step and delete the old indices; returns
        how many documents are indexed."""
        client = self.client.options(request_timeout=BULK_TIMEOUT)
        old_indices = self._indices_of_alias(alias)
        name = self._create_index(alias)
        done, indexed = 0, 0
        if progress:
            progress(0, total)
        try:
            for count, sources in chunks:
                actions = [
                    {"_op_type": "index", "_index": name, "_id": document_id, "_source": source}
                    for document_id, source in sources.items()
                ]
                if actions:
                    helpers.bulk(client, actions, chunk_size=CHUNK)
                indexed += len(actions)
                done += count
                if progress:
                    progress(done, total)
            client.indices.refresh(index=name)
        except Exception:
            client.indices.delete(index=name, ignore_unavailable=True)
            raise
        client.indices.update_aliases(
            actions=[
                *({"remove": {"index": old, "alias": alias}} for old in old_indices),
                {"add": {"index": name, "alias": alias}},
            ]
        )
        # The old indices go, and any a rebuild that failed midway may have left behind.
        for old in self._indices_of_prefix(alias):
            if old != name:
                client.indices.delete(index=old, ignore_unavailable=True)
        return indexed

    def rebuild(self, progress=None) -> int:
        product_ids = list(records_queryset().order_by("pk").values_list("pk", flat=True))
        product_chunks = in_chunks(
            product_ids, lambda chunk: product_documents(product_records(records_queryset().filter(pk__in=chunk)))
        )
        indexed = self._rebuild_index(self.alias, product_chunks, len(product_ids), progress)
        keys = all_place_keys()
        self._rebuild_index(
            self.places_alias, in_chunks(keys, lambda chunk: place_documents(place_records(chunk))), len(keys)
        )
        return indexed

    def _indexed_sources(self, alias, fields):
        """The ``fields`` of every document behind ``alias`` (none when there is no index yet)."""
        if not self._indices_of_alias(alias):
            return []
        return [
            hit["_source"]
            for hit in helpers.scan(
                self.client.options(request_timeout=BULK_TIMEOUT),
                index=alias,
                query={"query": {"match_all": {}}, "_source": fields},
                size=CHUNK,
            )
        ]

    def indexed_fingerprints(self) -> dict[int, str]:
        return {
            int(source["product_id"]): source["fingerprint"]
            for source in self._indexed_sources(self.alias, ["product_id", "fingerprint"])
        }


def product_documents(records):
    """{document id: source} of the searchable ones of these ProductRecords."""
    return {record.product_id: ProductDocument.from_record(record).to_dict() for record in records if record.searchable}


def place_documents(records):
    """{document id: source} of the searchable ones of these PlaceRecords."""
    return {
        place_document_id(record.key): PlaceDocument.from_record(record).to_dict()
        for record in records
        if record.searchable
    }


def in_chunks(keys, documents_of):
    """(number of keys, documents_of(those keys)) for each CHUNK of ``keys``, as they are read."""
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        yield len(chunk), documents_of(chunk)
