"""The search engines the tests run against. Elasticsearch is a real one when ELASTICSEARCH_URL is
set in the environment, else a clone of the osmem-server of the osmem pytest plugin (one per test).

osmem answers 406 to the media types the Elasticsearch 8 client sends
(``application/vnd.elasticsearch+json; compatible-with=8``, and its ``+x-ndjson`` twin for bulk
requests), so against osmem the client is given OsmemNode, a node that sends plain
``application/json`` (``application/x-ndjson``) instead.
"""

import os
import uuid

import pytest
from elastic_transport import Urllib3HttpNode

COMPATIBLE = "application/vnd.elasticsearch+"


def plain_media_type(value):
    """``application/vnd.elasticsearch+json; compatible-with=8`` as ``application/json`` (and
    ``...+x-ndjson; ...`` as ``application/x-ndjson``); any other value as it is."""
    if value and value.startswith(COMPATIBLE):
        return "application/" + value[len(COMPATIBLE) :].split(";", 1)[0].strip()
    return value


class OsmemNode(Urllib3HttpNode):
    """An HTTP node that turns the client's compatibility media types back into plain ones."""

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = plain_media_type(headers[name])
        return super().perform_request(method, target, body=body, headers=headers, request_timeout=request_timeout)


REAL_ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")


@pytest.fixture
def elasticsearch_target(request):
    """(url, node_class) of the Elasticsearch of this test: the real one of ELASTICSEARCH_URL, with
    the client's own node, or a fresh osmem clone with OsmemNode."""
    if REAL_ELASTICSEARCH_URL:
        return REAL_ELASTICSEARCH_URL, None
    return request.getfixturevalue("osmem_url"), OsmemNode


@pytest.fixture
def index_prefix(settings):
    """An index prefix of this test's own, so that a real, shared Elasticsearch keeps tests apart."""
    settings.ELASTICSEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
    return settings.ELASTICSEARCH_INDEX_PREFIX


@pytest.fixture
def es_engine(elasticsearch_target, index_prefix):
    """An ElasticsearchEngine on this test's Elasticsearch and index prefix; its indices are deleted
    afterwards (its client is shared, as the engine shares it: not closed)."""
    from search.engines.elasticsearch import ElasticsearchEngine

    url, node_class = elasticsearch_target
    engine = ElasticsearchEngine(url, node_class=node_class, timeout=30)
    yield engine
    # By name: a real Elasticsearch 8 refuses to delete indices by wildcard.
    names = [
        name
        for alias in ("products", "places")
        for name in engine.client.indices.get(index=f"{index_prefix}-{alias}-*", allow_no_indices=True)
    ]
    if names:
        engine.client.indices.delete(index=",".join(names), ignore_unavailable=True)


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request):
    """Each engine in turn, for the contract suite: what one engine must do, the other does too."""
    if request.param == "database":
        from search.engines.database import DatabaseEngine

        return DatabaseEngine()
    return request.getfixturevalue("es_engine")


@pytest.fixture
def catalogue():
    from tests.integration.search import shelf

    return shelf.catalogue()
