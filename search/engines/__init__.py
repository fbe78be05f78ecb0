"""The search engine of the site: Elasticsearch when ELASTICSEARCH_URL is set, else the database.

Searching goes to Elasticsearch, and to the database engine whenever Elasticsearch does not
answer within ELASTICSEARCH_TIMEOUT (the page then shows a discreet notice). Indexing goes to
both: the database engine's entries are kept up to date even beside Elasticsearch, so that a
fallback finds what Elasticsearch would have.
"""

import logging
from dataclasses import replace

from django.conf import settings

from search.engines.base import SearchEngine

logger = logging.getLogger(__name__)


def database_engine():
    from search.engines.database import DatabaseEngine

    return DatabaseEngine()


def elasticsearch_engine():
    """The Elasticsearch engine, or None when ELASTICSEARCH_URL is not set."""
    if not settings.ELASTICSEARCH_URL:
        return None
    from search.engines.elasticsearch import ElasticsearchEngine

    return ElasticsearchEngine()


def indexing_engines():
    """Every engine to keep up to date: the database's, and Elasticsearch when it is configured."""
    engines = [database_engine()]
    if (elasticsearch := elasticsearch_engine()) is not None:
        engines.append(elasticsearch)
    return engines


def search_engine():
    """The engine that answers buyers."""
    elasticsearch = elasticsearch_engine()
    if elasticsearch is None:
        return database_engine()
    return FallingBack(elasticsearch, database_engine())


def unavailable_errors():
    """What an Elasticsearch that is down, slow or failing raises."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    return (TransportError, ApiError)


class FallingBack(SearchEngine):
    """Elasticsearch, answered by the database engine when Elasticsearch does not answer."""

    def __init__(self, primary, fallback):
        self.primary, self.fallback = primary, fallback
        self.name = primary.name

    def _answer(self, method, *args, **kwargs):
        """The primary's answer to ``method``, else the fallback's (and whether it fell back)."""
        try:
            return getattr(self.primary, method)(*args, **kwargs), False
        except unavailable_errors() as error:
            logger.warning("Elasticsearch did not answer (%s); the database engine answers %s", error, method)
            return getattr(self.fallback, method)(*args, **kwargs), True

    def search_products(self, query):
        results, fell_back = self._answer("search_products", query)
        return replace(results, fell_back=True) if fell_back else results

    def search_places(self, query):
        results, fell_back = self._answer("search_places", query)
        return replace(results, fell_back=True) if fell_back else results

    def suggest(self, text, *, day=None, limit=8):
        return self._answer("suggest", text, day=day, limit=limit)[0]

    def update_products(self, product_ids):
        self.primary.update_products(product_ids)

    def update_places(self, keys):
        self.primary.update_places(keys)

    def rebuild(self, progress=None):
        return self.primary.rebuild(progress)

    def indexed_fingerprints(self):
        return self.primary.indexed_fingerprints()

    def indexed_place_fingerprints(self):
        return self.primary.indexed_place_fingerprints()
