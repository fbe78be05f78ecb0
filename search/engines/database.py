"""The database engine: search on the site's own database (SQLite or PostgreSQL), no other service.

It is the embedded default (``make run``) and the fallback when Elasticsearch does not answer, so it
answers the same questions the same way (search.engines.base), on the rows of
search.models.ProductSearchEntry:

- Text: the query is folded like the stored text; each query word must be a word of one of the
  folded columns (title, producer, places, group labels, description), AND across the words. A word
  or phrase of a synonym set (fixtures/search_synonyms.txt) matches any phrase of its set. A word of
  TYPO_MIN_LENGTH letters or more that no indexed word spells also matches the indexed words one
  edit away (found through a deletion neighbourhood of the vocabulary, not by a scan of it).
- Ranking: a score computed by the database (CASE WHEN per query word: a title match is worth most,
  then the producer, then places or group, then the description; plus the stars), so ordering and
  paging happen in the database; every order ends with the product id, so pages never shift.
- Facets: one grouped count of the matching products by their combination of facet values, from
  which each facet is counted with the text, the categories and every other facet applied, not its
  own (and the total with all of them).
- Visibility: only searchable rows with valid_from <= day <= valid_until, checked in each query.

Sales points and fairs are searched the same way on the rows of search.models.PlaceSearchEntry
(name, places, other text, products text, ranked in that order), with a vocabulary of their own.
"""

import datetime
import functools
import uuid
from functools import reduce
from operator import add, and_, or_

from django.core.cache import cache
from django.db import transaction
from django.db.models import BooleanField, Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, Value, When

from catalog.groups import ProductGroup
from search.engines.base import (
    DESCRIPTION_SCORE,
    FACETS,
    PLACES_GROUP_SCORE,
    PRICE_BAND_KEYS,
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
from search.models import PlaceSearchEntry, ProductSearchCategory, ProductSearchEntry
from search.place_records import FAIR, PLACE_KINDS, PLACE_ORDER, SALES_POINT, all_place_keys, place_keys, place_records
from search.records import group_labels, product_records, records_queryset, with_parents
from search.text import fold, folded_synonym_sets, words
from shop.partner.models import Partner
from shop.partner.places import province_choices, province_name

# A word this long or longer that no indexed word spells is read with one typo ("nuoc mamm").
TYPO_MIN_LENGTH = 4
# The farthest (in edits) a suggested word may be from the word the buyer typed.
SUGGESTION_MAX_DISTANCE = 2
REBUILD_CHUNK = 500
VOCABULARY_KEY = "search:database:vocabulary"
PLACE_VOCABULARY_KEY = "search:database:place-vocabulary"
VOCABULARY_TIMEOUT = 60 * 60 * 6

# (columns, score) from the best to the least; a word as typed in the first column scores TITLE_WORD_SCORE.
PRODUCT_SCORES = (
    (("title",), TITLE_SCORE),
    (("producer",), PRODUCER_SCORE),
    (("places", "group_labels"), PLACES_GROUP_SCORE),
    (("description",), DESCRIPTION_SCORE),
)
# A place's name highest, then its places, then its other text, then what can be found there.
PLACE_SCORES = (
    (("name",), TITLE_SCORE),
    (("places",), PRODUCER_SCORE),
    (("other",), PLACES_GROUP_SCORE),
    (("products",), DESCRIPTION_SCORE),
)


def padded(text):
    """``text`` folded, as the text columns store it: a space at each end."""
    folded = fold(text)
    return f" {folded} " if folded else " "


@functools.cache
def folded_province_names():
    """(code, padded folded name) of every province."""
    return tuple((code, padded(name)) for code, name in province_choices())


def folded_group_labels(group, subgroup):
    """The folded labels of a product group and sub-group, in Vietnamese and in English."""
    return padded(" ".join(group_labels(group, subgroup)))


# --- words one typo away -------------------------------------------------------------------------
def deletions(word):
    """The strings ``word`` gives with one letter removed."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def edit_distance(a, b, limit=None):
    """The optimal string alignment distance of ``a`` and ``b`` (a swap of two letters is one edit);
    stops early with ``limit + 1`` once it must exceed ``limit``."""
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2 = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Vocabulary:
    """The folded words of the indexed products, with how many products hold each, and a deletion
    neighbourhood (each word and each of its one-letter deletions -> the words) to find the words one
    edit from a given one without going through them all."""

    def __init__(self, frequencies):
        self.frequencies = frequencies
        self.neighbourhood = {}
        self.by_length = {}
        for word in frequencies:
            self.by_length.setdefault(len(word), []).append(word)
            if len(word) >= TYPO_MIN_LENGTH - 1:
                for key in deletions(word) | {word}:
                    self.neighbourhood.setdefault(key, set()).add(word)

    def __contains__(self, word):
        return word in self.frequencies

    def one_edit_from(self, word):
        """The words at one edit (insertion, deletion, substitution, swap) from ``word``."""
        candidates = set()
        for key in deletions(word) | {word}:
            candidates |= self.neighbourhood.get(key, set())
        candidates.discard(word)
        return sorted(candidate for candidate in candidates if edit_distance(word, candidate, 1) == 1)

    def closest(self, word):
        """The indexed word closest to ``word`` (fewest edits, at most SUGGESTION_MAX_DISTANCE, then
        of the nearest length, as letters are mistyped more often than left out, then the most
        common), or None. Asked only when a search found nothing. A word one edit away is
        found through the neighbourhood; farther ones (two letters replaced share no key of it) by
        going through the words whose length is near enough."""
        nearest = self._closest_of(self.one_edit_from(word), word)
        if nearest is not None and nearest[0] == 1:
            return nearest[-1]
        lengths = range(len(word) - SUGGESTION_MAX_DISTANCE, len(word) + SUGGESTION_MAX_DISTANCE + 1)
        nearest = self._closest_of((candidate for n in lengths for candidate in self.by_length.get(n, ())), word)
        return nearest[-1] if nearest else None

    def _closest_of(self, candidates, word):
        best = None
        for candidate in candidates:
            distance = edit_distance(word, candidate, SUGGESTION_MAX_DISTANCE)
            if 0 < distance <= SUGGESTION_MAX_DISTANCE and distance < len(word):
                key = (distance, abs(len(candidate) - len(word)), -self.frequencies[candidate], candidate)
                if best is None or key < best:
                    best = key
        return best


_vocabularies = {}  # cache key -> (token, Vocabulary), in this process
VOCABULARY_KEYS = {ProductSearchEntry: VOCABULARY_KEY, PlaceSearchEntry: PLACE_VOCABULARY_KEY}


def vocabulary(entries=ProductSearchEntry):
    """The Vocabulary of the indexed products (or places: ``entries`` PlaceSearchEntry). Its words
    are kept in the Django cache under a token (the token is forgotten whenever the entries change);
    each process builds the neighbourhood once per token, so a search reads only the token from the cache."""
    key = VOCABULARY_KEYS[entries]
    token = cache.get(key)
    if token is not None and _vocabularies.get(key, (None,))[0] == token:
        return _vocabularies[key][1]
    frequencies = cache.get(f"{key}:{token}") if token is not None else None
    if frequencies is None:
        frequencies = {}
        for document in entries.objects.values_list("document", flat=True).iterator(chunk_size=2000):
            for word in set(document.split()) - {"|"}:
                frequencies[word] = frequencies.get(word, 0) + 1
        token = uuid.uuid4().hex
        cache.set(f"{key}:{token}", frequencies, VOCABULARY_TIMEOUT)
        cache.set(key, token, VOCABULARY_TIMEOUT)
    _vocabularies[key] = (token, Vocabulary(frequencies))
    return _vocabularies[key][1]


def forget_vocabulary(entries=ProductSearchEntry):
    """The entries changed: the vocabulary is computed again when next needed (now, and once the
    transaction commits, in case another process computed it meanwhile from the old rows)."""
    key = VOCABULARY_KEYS[entries]
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


# --- the query's text ----------------------------------------------------------------------------
class Term:
    """One thing the buyer typed: a word or a synonym phrase, and the folded phrases that match it."""

    def __init__(self, typed, phrases):
        self.typed = typed
        self.phrases = tuple(dict.fromkeys(phrases))

    def matches(self, column):
        return reduce(or_, (Q(**{f"{column}__contains": f" {phrase} "}) for phrase in self.phrases))

    def matches_typed(self, column):
        return Q(**{f"{column}__contains": f" {self.typed} "})

    def anywhere(self):
        return self.matches("document")

    def score(self, scores=PRODUCT_SCORES):
        """The score of the best of ``scores``' (columns, score) this term matches."""
        first_column = scores[0][0][0]
        return Case(
            When(self.matches_typed(first_column), then=Value(TITLE_WORD_SCORE)),
            *(
                When(reduce(or_, (self.matches(column) for column in columns)), then=Value(score))
                for columns, score in scores
            ),
            default=Value(0),
            output_field=IntegerField(),
        )


@functools.cache
def synonym_phrases():
    """{folded phrase as a tuple of words: every phrase of the sets it belongs to}."""
    phrases = {}
    for synonym_set in folded_synonym_sets():
        for phrase in synonym_set:
            phrases.setdefault(tuple(phrase.split()), set()).update(synonym_set)
    return phrases


def terms_of(text, vocabulary_=None, entries=ProductSearchEntry):
    """The Terms of the buyer's ``text``: synonym phrases (the longest first) and single words, a
    word no indexed word spells (in ``entries``, products or places) widened to the words one typo away."""
    query_words = words(text)
    synonyms = synonym_phrases()
    longest = max((len(phrase) for phrase in synonyms), default=1)
    terms = []
    position = 0
    while position < len(query_words):
        for length in range(min(longest, len(query_words) - position), 0, -1):
            phrase = tuple(query_words[position : position + length])
            if phrase in synonyms:
                terms.append(Term(" ".join(phrase), [" ".join(phrase), *sorted(synonyms[phrase])]))
                position += length
                break
        else:
            word = query_words[position]
            phrases = [word]
            if len(word) >= TYPO_MIN_LENGTH:
                if vocabulary_ is None:
                    vocabulary_ = vocabulary(entries)
                if word not in vocabulary_:
                    phrases += vocabulary_.one_edit_from(word)
            terms.append(Term(word, phrases))
            position += 1
    return terms


# --- the engine ----------------------------------------------------------------------------------
def for_sale_on(day):
    return ProductSearchEntry.objects.filter(searchable=True, valid_from__lte=day, valid_until__gte=day)


def places_found_on(day):
    """Every indexed sales point (only open ones are), and the fairs not over on ``day``."""
    return PlaceSearchEntry.objects.filter(Q(kind=SALES_POINT) | Q(kind=FAIR, ends_on__gte=day))


def upsert_entries(model, entries, *, touched, gone, unique_fields):
    """Delete the rows of ``gone`` and write ``entries`` over the rows of the same keys (upserted, not
    deleted and inserted: two updates of one row at once cannot collide); the rows of ``touched``
    (every row of the keys updated) tell whether words came or went, the only change after which the
    vocabulary is computed again (a change of price, stock or dates, most changes, leaves it). In the
    caller's transaction."""
    key_fields = [model._meta.get_field(name).attname for name in unique_fields]

    def key_of(entry):
        return tuple(getattr(entry, name) for name in key_fields)

    documents_before = {tuple(row[:-1]): row[-1] for row in touched.values_list(*key_fields, "document")}
    documents_after = {key_of(entry): entry.document for entry in entries}
    gone.delete()
    update_fields = [
        field.name for field in model._meta.concrete_fields if not field.primary_key and field.attname not in key_fields
    ]
    model.objects.bulk_create(entries, update_conflicts=True, unique_fields=unique_fields, update_fields=update_fields)
    if documents_before != documents_after:
        forget_vocabulary(model)


def price_band_filter(low, high):
    condition = Q(price__gte=low)
    if high is not None:
        condition &= Q(price__lt=high)
    return condition


PRICE_BAND_FILTERS = {key: price_band_filter(low, high) for key, _label, low, high in PRICE_BANDS}
GROUP_ORDER = {value: position for position, value in enumerate(ProductGroup.values)}
PRICE_BAND_ORDER = {key: position for position, key in enumerate(PRICE_BAND_KEYS)}


class DatabaseEngine(SearchEngine):
    name = "database"

    # --- searching ---
    def search_products(self, query: ProductQuery) -> ProductResults:
        terms = terms_of(query.text) if query.text.strip() else []
        base = self._base(query, terms)
        total, facets = self._total_and_facets(base, query)
        product_ids = ()
        if total:
            ordered = self._ordered(base.filter(*self._facet_filters(query).values()), query, terms)
            start = (max(query.page, 1) - 1) * query.per_page
            product_ids = tuple(ordered.values_list("product_id", flat=True)[start : start + query.per_page])
        suggestion = ""
        if total == 0 and terms:
            suggestion = self._suggestion(query)
        return ProductResults(
            product_ids=product_ids, total=total, facets=facets, suggestion=suggestion, engine=self.name
        )

    def _total_and_facets(self, base, query):
        """The number of products matching the query and every facet's counts, from one grouped count.

        The products matching the text and categories are counted by their combination of facet
        values (stars, group, province, producer kind, price band, at a sales point, at a fair on
        the day): a few hundred rows at most, whatever the number of products. A facet's counts
        then add the combinations that every OTHER facet's selection lets through, and the total
        those that all of them let through."""
        price_band = Case(
            *(When(condition, then=Value(key)) for key, condition in PRICE_BAND_FILTERS.items()),
            default=Value(""),
            output_field=CharField(),
        )
        at_fair = Case(
            When(fair_ends_on__gte=query.day, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        combinations = (
            base.annotate(price_band=price_band, at_fair_on_day=at_fair)
            .values_list(
                "stars", "group", "province_code", "producer_kind", "price_band", "at_sales_point", "at_fair_on_day"
            )
            .annotate(count=Count("pk"))
            .order_by()
        )
        selections = {facet: query.selected(facet) for facet in FACETS}
        rows = []
        for stars, group, province, kind, band, at_sales_point, at_fair_on_day, count in combinations:
            values = {
                "stars": stars,
                "group": group or None,
                "province": province,
                "producer_kind": kind or None,
                "price": band or None,
                "at_sales_point": bool(at_sales_point),
                "at_fair": bool(at_fair_on_day),
            }
            passes = {facet: not selections[facet] or values[facet] in selections[facet] for facet in FACETS}
            rows.append((values, passes, count))
        total = sum(count for _values, passes, count in rows if all(passes.values()))
        facets = {}
        for facet in FACETS:
            counts = {}
            for values, passes, count in rows:
                value = values[facet]
                if value is None or value is False:
                    continue
                if all(passed for other, passed in passes.items() if other != facet):
                    counts[value] = counts.get(value, 0) + count
            facets[facet] = self._facet_counts(facet, counts, selections[facet])
        return total, facets

    def _base(self, query, terms):
        """Products for sale on the day that match the text and the category filters."""
        entries = for_sale_on(query.day)
        for term in terms:
            entries = entries.filter(term.anywhere())
        if query.category_groups:
            entries = entries.filter(group__in=list(query.category_groups))
        if query.category_subgroup:
            entries = entries.filter(subgroup=query.category_subgroup)
        if query.category_ids:
            entries = entries.filter(
                Exists(
                    ProductSearchCategory.objects.filter(entry=OuterRef("pk"), category_id__in=list(query.category_ids))
                )
            )
        return entries

    def _facet_filters(self, query):
        """{facet: its condition} for the facets the query selects values of."""
        filters = {}
        if query.stars:
            filters["stars"] = Q(stars__in=list(query.stars))
        if query.groups:
            filters["group"] = Q(group__in=list(query.groups))
        if query.provinces:
            filters["province"] = Q(province_code__in=list(query.provinces))
        if query.producer_kinds:
            filters["producer_kind"] = Q(producer_kind__in=list(query.producer_kinds))
        if query.price_bands:
            bands = [PRICE_BAND_FILTERS[key] for key in query.price_bands if key in PRICE_BAND_FILTERS]
            filters["price"] = reduce(or_, bands) if bands else Q(pk__in=[])
        if query.at_sales_point:
            filters["at_sales_point"] = Q(at_sales_point=True)
        if query.at_fair:
            filters["at_fair"] = Q(fair_ends_on__gte=query.day)
        return filters

    def _ordered(self, entries, query, terms):
        if query.sort == "stars":
            return entries.order_by("-stars", "title", "product_id")
        if query.sort == "price_asc":
            return entries.order_by(F("price").asc(nulls_last=True), "product_id")
        if query.sort == "price_desc":
            return entries.order_by(F("price").desc(nulls_last=True), "product_id")
        if query.sort == "newest":
            return entries.order_by("-date_created", "-product_id")
        score = reduce(lambda total, term: total + term.score(), terms, F("stars"))
        return entries.annotate(score=score).order_by("-score", "-stars", "product_id")

    def _facet_counts(self, facet, counts, selected):
        """The FacetCounts of ``facet`` in the order the page shows them; a selected value with no
        product left has a count of 0."""
        for value in selected:
            counts.setdefault(value, 0)
        if facet == "stars":
            values = sorted(counts, reverse=True)
        elif facet == "group":
            values = sorted(counts, key=lambda value: (GROUP_ORDER.get(value, len(GROUP_ORDER)), value))
        elif facet == "price":
            values = sorted(counts, key=lambda value: (PRICE_BAND_ORDER.get(value, len(PRICE_BAND_ORDER)), value))
        elif facet in ("at_sales_point", "at_fair"):
            values = [True] if True in counts else []
        else:
            values = sorted(counts, key=lambda value: (-counts[value], value))
        return tuple(FacetCount(value, counts[value], value in selected) for value in values)

    def _suggestion(self, query):
        """The query with each word that is no indexed word replaced by the closest indexed word,
        when that matches some product for sale (with the query's categories); else ""."""
        vocabulary_ = vocabulary()
        typed = words(query.text)
        replaced = []
        for word in typed:
            if word in vocabulary_:
                replaced.append(word)
            else:
                closest = vocabulary_.closest(word)
                if closest is None:
                    return ""
                replaced.append(closest)
        if replaced == typed:
            return ""
        text = " ".join(replaced)
        unfaceted = ProductQuery(
            text=text,
            category_groups=query.category_groups,
            category_subgroup=query.category_subgroup,
            category_ids=query.category_ids,
            day=query.day,
        )
        return text if self._base(unfaceted, terms_of(text, vocabulary_)).exists() else ""

    # --- as the buyer types ---
    def suggest(self, text: str, *, day: datetime.date | None = None, limit: int = 8) -> list[Suggestion]:
        from catalog.models import today

        typed = words(text)
        if not typed or limit <= 0:
            return []
        day = day or today()
        entries = for_sale_on(day)

        def starts_words(column):
            return reduce(and_, (Q(**{f"{column}__contains": f" {word}"}) for word in typed))

        phrase = " ".join(typed)
        product_ids = list(
            entries.filter(starts_words("title"))
            .annotate(
                starts=Case(
                    When(title__startswith=f" {phrase}", then=Value(1)), default=Value(0), output_field=IntegerField()
                )
            )
            .order_by("-starts", "-stars", "title", "product_id")
            .values_list("product_id", flat=True)[:limit]
        )
        # Grouped by the producer's id (a join of the matching entries to their products only), the
        # names read for the few producers kept.
        producer_counts = list(
            entries.filter(starts_words("producer"))
            .values_list("product__producer_id")
            .annotate(products=Count("pk"))
            .order_by("-products", "product__producer_id")[:limit]
        )
        names = Partner.objects.in_bulk([producer_id for producer_id, _count in producer_counts])
        producer_suggestions = [
            producer_suggestion(names[producer_id].name, names[producer_id].code)
            for producer_id, _count in producer_counts
            if producer_id in names and names[producer_id].code
        ]
        # The provinces whose names start with the words typed (a list of 34, in Python), if any of
        # their products are for sale.
        named = [code for code, folded in folded_province_names() if all(f" {word}" in folded for word in typed)]
        found = set(entries.filter(province_code__in=named).values_list("province_code", flat=True).distinct())
        province_suggestions = [province_suggestion(province_name(code), code) for code in sorted(found)]
        return mixed_suggestions(product_suggestions(product_ids), producer_suggestions + province_suggestions, limit)

    # --- indexing ---
    def update_products(self, product_ids) -> None:
        product_ids = with_parents(product_ids)
        if not product_ids:
            return
        records = [record for record in product_records(product_ids) if record.searchable]
        indexed = {record.product_id for record in records}
        entries = [entry_of(record) for record in records]
        with transaction.atomic():
            upsert_entries(
                ProductSearchEntry,
                entries,
                touched=ProductSearchEntry.objects.filter(product_id__in=product_ids),
                gone=ProductSearchEntry.objects.filter(product_id__in=product_ids - indexed),
                unique_fields=["product"],
            )
            ProductSearchCategory.objects.filter(entry_id__in=indexed).delete()
            self._write_categories(records)

    def rebuild(self, progress=None) -> int:
        all_ids = list(records_queryset().order_by("pk").values_list("pk", flat=True))
        total = len(all_ids)
        indexed = 0
        with transaction.atomic():
            ProductSearchEntry.objects.all().delete()
            if progress:
                progress(0, total)
            for start in range(0, total, REBUILD_CHUNK):
                chunk = all_ids[start : start + REBUILD_CHUNK]
                records = [
                    record for record in product_records(records_queryset().filter(pk__in=chunk)) if record.searchable
                ]
                self._write(records)
                indexed += len(records)
                if progress:
                    progress(min(start + REBUILD_CHUNK, total), total)
            forget_vocabulary()
            self._rebuild_places()
        return indexed

    def _rebuild_places(self):
        PlaceSearchEntry.objects.all().delete()
        keys = all_place_keys()
        for start in range(0, len(keys), REBUILD_CHUNK):
            records = place_records(keys[start : start + REBUILD_CHUNK])
            PlaceSearchEntry.objects.bulk_create([place_entry_of(record) for record in records if record.searchable])
        forget_vocabulary(PlaceSearchEntry)

    def _write(self, records):
        ProductSearchEntry.objects.bulk_create([entry_of(record) for record in records])
        self._write_categories(records)

    def _write_categories(self, records):
        ProductSearchCategory.objects.bulk_create(
            [
                ProductSearchCategory(entry_id=record.product_id, category_id=category_id)
                for record in records
                for category_id in record.category_ids
            ],
            ignore_conflicts=True,
        )

    def indexed_fingerprints(self) -> dict[int, str]:
        return dict(ProductSearchEntry.objects.values_list("product_id", "fingerprint"))

    # --- places ---
    def search_places(self, query: PlaceQuery) -> PlaceResults:
        terms = terms_of(query.text, entries=PlaceSearchEntry) if words(query.text) else []
        matching = places_found_on(query.day)
        for term in terms:
            matching = matching.filter(term.anywhere())
        counted = dict(matching.values_list("kind").annotate(count=Count("pk")).order_by())
        totals = {kind: counted.get(kind, 0) for kind in PLACE_KINDS}
        ordered = matching.filter(kind=query.kind)
        order = [*PLACE_ORDER.get(query.kind, ()), "place_id"]
        if terms:
            ordered = ordered.annotate(score=reduce(add, (term.score(PLACE_SCORES) for term in terms)))
            order.insert(0, "-score")
        start = (max(query.page, 1) - 1) * query.per_page
        ids = tuple(ordered.order_by(*order).values_list("place_id", flat=True)[start : start + query.per_page])
        return PlaceResults(kind=query.kind, ids=ids, total=totals.get(query.kind, 0), totals=totals, engine=self.name)

    def update_places(self, keys) -> None:
        keys = place_keys(keys)
        if not keys:
            return
        records = [record for record in place_records(keys) if record.searchable]
        indexed = {record.key for record in records}

        def of_keys(some_keys):
            ids_by_kind = {}
            for kind, place_id in some_keys:
                ids_by_kind.setdefault(kind, []).append(place_id)
            condition = reduce(or_, (Q(kind=kind, place_id__in=ids) for kind, ids in ids_by_kind.items()), Q(pk__in=[]))
            return PlaceSearchEntry.objects.filter(condition)

        with transaction.atomic():
            upsert_entries(
                PlaceSearchEntry,
                [place_entry_of(record) for record in records],
                touched=of_keys(keys),
                gone=of_keys(keys - indexed),
                unique_fields=["kind", "place_id"],
            )

    def indexed_place_fingerprints(self) -> dict[tuple[str, int], str]:
        return {
            (kind, place_id): fingerprint
            for kind, place_id, fingerprint in PlaceSearchEntry.objects.values_list("kind", "place_id", "fingerprint")
        }


def entry_of(record):
    """The ProductSearchEntry of a ProductRecord."""
    fair_days = [ends_on for _fair, ends_on in record.fairs if ends_on is not None]
    title = padded(record.title)
    producer = padded(record.producer_name)
    places = padded(f"{record.province} {record.commune}")
    labels = folded_group_labels(record.group, record.subgroup)
    description = padded(record.description)
    return ProductSearchEntry(
        product_id=record.product_id,
        title=title,
        producer=producer,
        places=places,
        group_labels=labels,
        description=description,
        document="|".join([title, producer, places, labels, description]),
        stars=record.stars,
        price=record.price,
        group=record.group,
        subgroup=record.subgroup,
        province_code=record.province_code,
        producer_kind=record.producer_kind,
        date_created=datetime.datetime.fromisoformat(record.date_created),
        at_sales_point=bool(record.sales_point_ids),
        fair_ends_on=max(fair_days) if fair_days else None,
        searchable=record.searchable,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        fingerprint=record.fingerprint,
    )


def place_entry_of(record):
    """The PlaceSearchEntry of a PlaceRecord."""
    name, places, other, products = (
        padded(text) for text in (record.name, record.places, record.other, record.products)
    )
    return PlaceSearchEntry(
        kind=record.kind,
        place_id=record.place_id,
        name=name,
        places=places,
        other=other,
        products=products,
        document="|".join([name, places, other, products]),
        name_sort=record.name_sort[:255],
        starts_on=record.starts_on,
        ends_on=record.ends_on,
        fingerprint=record.fingerprint,
    )
