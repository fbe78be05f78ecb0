"""/healthz: JSON with the state of each part, 200 only when every part answers."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import OperationalError, connection

from shop.celery import app as celery_app

pytestmark = pytest.mark.django_db

CLOSED_PORT = 1  # nothing listens there: connections are refused at once


@pytest.fixture
def celery_conf(monkeypatch):
    """Change the Celery app's configuration for one test."""
    saved = {}

    def change(**values):
        for key, value in values.items():
            saved.setdefault(key, celery_app.conf[key])
            celery_app.conf[key] = value
            if key == "broker_url":
                # Celery reads the variable before its configuration (CI sets it).
                monkeypatch.setenv("CELERY_BROKER_URL", value)

    yield change
    celery_app.conf.update(saved)


@pytest.fixture
def no_broker(celery_conf):
    celery_conf(broker_url="memory://")


@pytest.fixture
def database_search(settings):
    settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def fake_elasticsearch():
    """A small HTTP server answering /_cluster/health like Elasticsearch, with the status the test sets."""
    state = {"status": "green", "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state["requests"].append((self.path, self.headers.get("Authorization")))
            body = json.dumps({"cluster_name": "ocop", "status": state["status"]}).encode()
            self.send_response(200 if self.path == "/_cluster/health" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def get_health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response, response.json()


def test_every_part_answering_gives_200_and_names_each_part(client, no_broker, database_search):
    response, body = get_health(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["database"]["detail"] == connection.vendor
    assert body["checks"]["search"]["detail"] == "database"
    assert body["checks"]["broker"]["detail"].startswith("none")


def test_health_is_never_cached(client, no_broker, database_search):
    response, _body = get_health(client)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_unreachable_cache_gives_503_with_the_reason(client, settings, no_broker, database_search):
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
        }
    }
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["ok"] is False
    assert "ConnectionError" in body["checks"]["cache"]["detail"]
    # The other parts are still reported, and still fine.
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["search"]["ok"] is True


def test_unreachable_broker_gives_503(client, celery_conf, database_search):
    celery_conf(task_always_eager=False, broker_url=f"redis://127.0.0.1:{CLOSED_PORT}/0")
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["detail"]
    assert body["checks"]["cache"]["ok"] is True


def test_a_configured_broker_is_checked_even_when_tasks_run_eagerly(client, celery_conf, database_search):
    celery_conf(task_always_eager=True, broker_url=f"redis://127.0.0.1:{CLOSED_PORT}/0")
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["checks"]["broker"]["ok"] is False


def test_database_failure_gives_503(client, monkeypatch, no_broker, database_search):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr("shop.health.checks.connection.cursor", refuse)
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["checks"]["database"] == {
        "ok": False,
        "detail": "OperationalError: connection to server at 127.0.0.1, port 5432 failed",
    }


def test_unreachable_search_engine_gives_503(client, settings, no_broker):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{CLOSED_PORT}"
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["checks"]["search"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.parametrize(("status", "code"), [("green", 200), ("yellow", 200), ("red", 503)])
def test_search_engine_cluster_status(client, settings, no_broker, fake_elasticsearch, status, code):
    fake_elasticsearch["status"] = status
    settings.ELASTICSEARCH_URL = fake_elasticsearch["url"]
    response, body = get_health(client)
    assert response.status_code == code
    assert body["checks"]["search"]["ok"] is (code == 200)
    if code == 200:
        assert body["checks"]["search"]["detail"] == f"elasticsearch ({status})"
    else:
        assert "red" in body["checks"]["search"]["detail"]


def test_search_engine_credentials_go_in_a_header(client, settings, no_broker, fake_elasticsearch):
    settings.ELASTICSEARCH_URL = fake_elasticsearch["url"].replace("http://", "http://elastic:s%40cret@") + "/"
    response, _body = get_health(client)
    assert response.status_code == 200
    path, authorization = fake_elasticsearch["requests"][-1]
    assert path == "/_cluster/health"
    assert authorization == "Basic " + base64.b64encode(b"elastic:s@cret").decode()
