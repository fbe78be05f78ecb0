"""Elasticsearch that does not answer: the database engine answers, and says so."""

import pytest
from elastic_transport import ConnectionError as TransportConnectionError

from search.engines import FallingBack, database_engine, elasticsearch_engine, search_engine
from search.engines.base import PlaceQuery, PlaceResults, ProductQuery, ProductResults, SearchEngine, Suggestion


class Answering(SearchEngine):
    name = "database"

    def search_products(self, query):
        return ProductResults(product_ids=(7,), total=1, facets={}, engine=self.name)

    def suggest(self, text, *, day=None, limit=8):
        return [Suggestion("product", "Mật ong", "/catalogue/mat-ong_7/")]

    def update_products(self, product_ids):
        raise AssertionError("indexing never goes through the fallback")

    def rebuild(self, progress=None):
        raise AssertionError("indexing never goes through the fallback")

    def indexed_fingerprints(self):
        raise AssertionError("indexing never goes through the fallback")

    def search_places(self, query):
        return PlaceResults(kind=query.kind, ids=(3,), total=1, totals={"sales_point": 1, "fair": 0}, engine=self.name)

    def update_places(self, keys):
        raise AssertionError("indexing never goes through the fallback")

    def indexed_place_fingerprints(self):
        raise AssertionError("indexing never goes through the fallback")


class Down(Answering):
    name = "elasticsearch"

    def search_products(self, query):
        raise TransportConnectionError("connection refused")

    def search_places(self, query):
        raise TransportConnectionError("connection refused")

    def suggest(self, text, *, day=None, limit=8):
        raise TransportConnectionError("connection refused")


def test_the_database_answers_when_elasticsearch_is_down():
    engine = FallingBack(Down(), Answering())
    results = engine.search_products(ProductQuery(text="mật ong"))
    assert results.product_ids == (7,) and results.fell_back is True and results.engine == "database"
    assert engine.suggest("mat")[0].text == "Mật ong"


def test_the_database_answers_for_places_when_elasticsearch_is_down():
    results = FallingBack(Down(), Answering()).search_places(PlaceQuery(text="diem ban"))
    assert results.ids == (3,) and results.totals["sales_point"] == 1
    assert results.fell_back is True and results.engine == "database"
    assert FallingBack(Answering(), Down()).search_places(PlaceQuery()).fell_back is False


def test_places_are_indexed_by_elasticsearch_alone():
    class Indexing(Answering):
        name = "elasticsearch"

        def __init__(self):
            self.updated = []

        def update_places(self, keys):
            self.updated.append(keys)

        def indexed_place_fingerprints(self):
            return {("fair", 2): "abc"}

    primary = Indexing()
    engine = FallingBack(primary, Answering())
    engine.update_places([("fair", 2)])
    assert primary.updated == [[("fair", 2)]]
    assert engine.indexed_place_fingerprints() == {("fair", 2): "abc"}


def test_an_answering_elasticsearch_is_not_replaced():
    results = FallingBack(Answering(), Down()).search_products(ProductQuery())
    assert results.fell_back is False


def test_other_errors_are_not_hidden():
    class Broken(Answering):
        def search_products(self, query):
            raise KeyError("a bug")

    with pytest.raises(KeyError):
        FallingBack(Broken(), Answering()).search_products(ProductQuery())


def test_the_engine_follows_elasticsearch_url(settings):
    settings.ELASTICSEARCH_URL = ""
    assert elasticsearch_engine() is None
    assert search_engine().name == database_engine().name == "database"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    engine = search_engine()
    assert isinstance(engine, FallingBack) and engine.name == "elasticsearch"
