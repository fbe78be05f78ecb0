"""Is each part the site depends on answering? Used by /healthz."""

import base64
import json
import uuid
from urllib.parse import unquote, urlsplit, urlunsplit
from urllib.request import Request, urlopen

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
    """The Celery broker, whenever one is configured (even if tasks are also set to run eagerly)."""
    from shop.celery import app

    if app.conf.broker_url.startswith("memory"):
        return "none: tasks run in the web process"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
        return conn.as_uri()  # the password, if any, is masked


def check_search():
    if not settings.ELASTICSEARCH_URL:
        check_database()
        return "database"
    url = urlsplit(settings.ELASTICSEARCH_URL)
    host = url.netloc.rpartition("@")[2]  # credentials go in a header, not in the URL
    request = Request(urlunsplit((url.scheme, host, url.path.rstrip("/") + "/_cluster/health", "", "")))
    if url.username:
        credentials = f"{unquote(url.username)}:{unquote(url.password or '')}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(credentials).decode())
    request.add_header("Accept", "application/json")
    with urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        health = json.load(response)
    status = health.get("status")
    if status == "red":
        raise RuntimeError("the Elasticsearch cluster is red")
    return f"elasticsearch ({status})"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "search": check_search}


def run_checks():
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, "detail": str(check())}
        except Exception as error:  # noqa: BLE001 — any failure means the part is down
            results[name] = {"ok": False, "detail": f"{type(error).__name__}: {error}"}
    return results
