"""Background work of the search: bring products up to date in every engine, repair drift."""

import logging

from celery import shared_task

from search.engines import indexing_engines
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


def expected_fingerprints():
    """{product id: fingerprint} of every product that should be indexed now."""
    expected = {}
    ids = list(records_queryset().values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), REPAIR_CHUNK):
        for record in product_records(records_queryset().filter(pk__in=ids[start : start + REPAIR_CHUNK])):
            if record.searchable:
                expected[record.product_id] = record.fingerprint
    return expected


def repair(engines=None):
    """Compare each engine's index with the database and fix what differs; {engine name: products fixed}."""
    expected = expected_fingerprints()
    fixed = {}
    for engine in engines or indexing_engines():
        indexed = engine.indexed_fingerprints()
        drifted = {pk for pk, fingerprint in expected.items() if indexed.get(pk) != fingerprint}
        drifted |= indexed.keys() - expected.keys()
        if drifted:
            engine.update_products(sorted(drifted))
            logger.info("Search index %s: %s products repaired", engine.name, len(drifted))
        fixed[engine.name] = len(drifted)
    return fixed


@shared_task(**RETRY)
def repair_index():
    return repair()
