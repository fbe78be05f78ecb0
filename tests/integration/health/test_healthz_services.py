"""/healthz against the real services: the database of the run, Redis as cache and broker, a search engine.

In CI the database is PostgreSQL; outside CI the test skips when no Redis answers.
"""

import pytest
from django.db import connection

from tests.conftest import CI

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_services(settings, redis_url, osmem_server):
    from shop.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.RedisCache",
            "LOCATION": settings.REDIS_URL or redis_url,
        }
    }
    settings.ELASTICSEARCH_URL = osmem_server.url
    saved = app.conf.broker_url
    app.conf.broker_url = redis_url
    yield
    app.conf.broker_url = saved


def test_healthz_reports_every_real_service_answering(client, real_services, redis_url):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    checks = body["checks"]
    assert checks["database"] == {"ok": True, "detail": connection.vendor}
    if CI:
        assert connection.vendor == "postgresql"
    assert checks["cache"] == {"ok": True, "detail": "RedisCache"}
    assert checks["broker"]["ok"] is True
    assert checks["broker"]["detail"].startswith("redis://")
    assert checks["broker"]["detail"].endswith(redis_url.rsplit("@", 1)[-1].split("://", 1)[1])
    assert checks["search"]["ok"] is True
    assert checks["search"]["detail"].startswith("elasticsearch (")


def test_healthz_fails_when_the_search_engine_stops(client, real_services, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["ok"] is False
    assert response.json()["checks"]["cache"]["ok"] is True
