"""Real services for the integration tests: a Celery worker consuming from Redis."""

import threading
import time
import uuid

import pytest
from celery import Celery, _state
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections


def wait_for(condition, timeout=20.0, interval=0.1):
    """Poll ``condition`` until it returns something true; the value, or None after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def _close_worker_connections(**kwargs):
    # The worker thread opens its own database connections; close them after each task
    # so that the test database can be flushed and dropped.
    if threading.current_thread() is not threading.main_thread():
        connections.close_all()


@pytest.fixture
def celery_worker(redis_url, transactional_db, monkeypatch):
    """A real Celery worker, in a thread of this process, consuming from Redis.

    It has a queue of its own, so that nothing else on the same Redis reaches it;
    the tasks it runs see only committed data (hence ``transactional_db``).
    Yields the Celery app it serves, which is the current app for the test.
    """
    # The search index's updates, which every product or place change sends, run in the test's own thread:
    # these tests are about other tasks, and on SQLite a second writer locks the tables they write.
    from search.tasks import update_places, update_products

    monkeypatch.setattr("search.indexing._send", lambda product_ids: update_products.apply(args=[product_ids]))
    monkeypatch.setattr("search.indexing._send_places", lambda keys: update_places.apply(args=[keys]))
    queue = f"test-{uuid.uuid4().hex[:12]}"
    app = Celery("shop-integration", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=False,
    )
    previous_current, previous_default = _state.get_current_app(), _state.default_app
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            yield app
    finally:
        task_postrun.disconnect(_close_worker_connections)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        app.close()
        _state.set_default_app(previous_default)
        previous_current.set_current()
