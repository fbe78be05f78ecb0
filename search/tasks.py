"""Background work of the search: bring products and places up to date in every engine, repair drift."""

import logging

from celery import shared_task

from search.engines import indexing_engines
from search.place_records import all_place_keys, place_records
from search.records import product_records, records_queryset

logger = logging.getLogger(__name__)

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 8}
REPAIR_CHUNK = 1000


@shared_task(**RETRY)
def update_products(product_ids):
    """Index or remove these products in every engine, from their current records. Idempotent."""
    for engine in indexing_engines():
        engine.update_products(product_ids)
    return len(product_ids)


@shared_task(**RETRY)
def update_places(keys):
    """Index or remove these places ([kind, id] pairs) in every engine, from their current records. Idempotent."""
    for engine in indexing_engines():
        engine.update_places(keys)
    return len(keys)


def expected_fingerprints():
    """{product id: fingerprint} of every product that should be indexed now."""
    expected = {}
    ids = list(records_queryset().values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), REPAIR_CHUNK):
        for record in product_records(records_queryset().filter(pk__in=ids[start : start + REPAIR_CHUNK])):
            if record.searchable:
                expected[record.product_id] = record.fingerprint
    return expected


def expected_place_fingerprints():
    """{(kind, id): fingerprint} of every place that should be indexed now."""
    keys = all_place_keys()
    return {
        record.key: record.fingerprint
        for start in range(0, len(keys), REPAIR_CHUNK)
        for record in place_records(keys[start : start + REPAIR_CHUNK])
        if record.searchable
    }


class Repaired(dict):
    """{engine name: products fixed}, and ``places``: {engine name: places fixed}."""

    def __init__(self, products, places):
        super().__init__(products)
        self.places = places


def drifted(expected, indexed):
    """The keys whose indexed fingerprint differs from the expected one, or that should not be indexed."""
    return {key for key, fingerprint in expected.items() if indexed.get(key) != fingerprint} | (
        indexed.keys() - expected.keys()
    )


def repair(engines=None):
    """Compare each engine's index with the database and fix what differs, products and places."""
    expected_products = expected_fingerprints()
    expected_places = expected_place_fingerprints()
    products, places = {}, {}
    for engine in engines or indexing_engines():
        products_drifted = drifted(expected_products, engine.indexed_fingerprints())
        if products_drifted:
            engine.update_products(sorted(products_drifted))
            logger.info("Search index %s: %s products repaired", engine.name, len(products_drifted))
        places_drifted = drifted(expected_places, engine.indexed_place_fingerprints())
        if places_drifted:
            engine.update_places(sorted(places_drifted))
            logger.info("Search index %s: %s places repaired", engine.name, len(places_drifted))
        products[engine.name], places[engine.name] = len(products_drifted), len(places_drifted)
    return Repaired(products, places)


@shared_task(**RETRY)
def repair_index():
    repaired = repair()
    return {"products": dict(repaired), "places": repaired.places}
