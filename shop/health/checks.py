"""Is each part the site depends on answering? Used by /healthz."""

import uuid
from urllib.request import urlopen

from django.conf import settings
from django.core.cache import cache
from django.db import connection

TIMEOUT_SECONDS = 3


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_broker():
    from shop.celery import app

    if app.conf.task_always_eager:
        return "eager (tasks run in the web process)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    return conn.transport_cls


def check_search():
    if not settings.ELASTICSEARCH_URL:
        check_database()
        return "database"
    with urlopen(settings.ELASTICSEARCH_URL.rstrip("/") + "/_cluster/health", timeout=TIMEOUT_SECONDS) as response:
        if response.status != 200:
            raise RuntimeError(f"Elasticsearch answered {response.status}")
    return "elasticsearch"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "search": check_search}


def run_checks():
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, "detail": str(check())}
        except Exception as error:  # noqa: BLE001 — any failure means the part is down
            results[name] = {"ok": False, "detail": f"{type(error).__name__}: {error}"}
    return results
