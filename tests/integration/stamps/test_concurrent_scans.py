"""Concurrent scans of one stamp on PostgreSQL: no count is lost, every scan has its row."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from shop.stamps.models import Stamp, StampScan
from shop.stamps.scans import network_of, record_scan
from tests.factories import stamp_batch

# A transaction per request, as in production (transactional_db); serialized_rollback: the data the
# migrations made (Wagtail's site, the role groups) is restored for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREADS = 20
SCANS_EACH = 10


def run_together(work):
    """Run ``work(index)`` in THREADS threads released at the same moment; re-raise the first error."""
    barrier = threading.Barrier(THREADS)
    errors = []

    def worker(index):
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a scan hung"
    if errors:
        raise errors[0]


@pytest.fixture
def stamp(requires_postgresql, settings):
    # Every thread's client looks the code up far more than the per-client limit allows.
    settings.OCOP_STAMP_LOOKUPS_PER_MINUTE = THREADS * SCANS_EACH * 2
    batch = stamp_batch(quantity=3)
    return batch.stamps.get(number=batch.first_number + 1)


def test_concurrent_record_scan_loses_no_count(stamp):
    assert connection.vendor == "postgresql"

    def scan(index):
        for _ in range(SCANS_EACH):
            record_scan(Stamp.objects.get(pk=stamp.pk), network_of(f"198.51.{index}.9"))

    run_together(scan)
    stamp.refresh_from_db()
    assert stamp.scan_count == THREADS * SCANS_EACH
    assert StampScan.objects.filter(stamp=stamp).count() == THREADS * SCANS_EACH
    assert StampScan.objects.filter(stamp=stamp).values("network").distinct().count() == THREADS
    assert stamp.first_scanned_at is not None and stamp.first_scanned_at <= stamp.last_scanned_at


def test_concurrent_page_views_count_every_scan_and_show_their_own(stamp):
    """Through the view (a transaction per request): each answer shows a different count."""
    seen = []
    lock = threading.Lock()

    def scan(index):
        client = Client(REMOTE_ADDR=f"203.0.{index}.20")
        for _ in range(SCANS_EACH):
            response = client.get(f"/t/{stamp.code}.json")
            assert response.status_code == 200, response.content
            with lock:
                seen.append(response.json()["stamp"]["scan_count"])

    run_together(scan)
    stamp.refresh_from_db()
    assert stamp.scan_count == THREADS * SCANS_EACH
    assert StampScan.objects.filter(stamp=stamp).count() == THREADS * SCANS_EACH
    # Each request read back its own count: 1, 2, ... with none repeated or skipped.
    assert sorted(seen) == list(range(1, THREADS * SCANS_EACH + 1))
    assert Stamp.objects.exclude(pk=stamp.pk).filter(scan_count__gt=0).count() == 0


def test_a_scan_commits_without_waiting_for_the_disk_and_nothing_else_does(stamp):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
        record_scan(stamp, network_of("198.51.100.9"))
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"
    with connection.cursor() as cursor:  # SET LOCAL: only for the scan's transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
