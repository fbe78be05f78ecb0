"""Batches flagged for suspicious scans: the periodic task, the officers' list, marking a flag reviewed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shop.stamps import scans, tasks
from shop.stamps.models import StampBatch
from tests.factories import stamp_batch
from tests.functional.dashboard.stamps.helpers import vi
from tests.functional.storefront.helpers import visible_text

pytestmark = pytest.mark.django_db

FLAGGED_URL = reverse("dashboard:stamp-flagged-list")
LIST_URL = reverse("dashboard:stamp-batch-list")


def detail_url(batch):
    return reverse("dashboard:stamp-batch-detail", kwargs={"pk": batch.pk})


@pytest.fixture(autouse=True)
def low_threshold(settings):
    settings.OCOP_STAMP_SUSPICIOUS_SCANS = 5


def scan(stamp, times, network="net-1"):
    for _time in range(times):
        scans.record_scan(stamp, network)


def test_the_periodic_task_flags_a_batch_whose_stamp_is_scanned_too_often(batch_a, batch_b):
    copied = batch_a.stamps.get(number=batch_a.first_number + 2)
    scan(copied, 6)
    scan(batch_a.stamps.get(number=batch_a.first_number + 3), 5)  # at the threshold: not suspicious
    scan(batch_b.stamps.first(), 2)
    assert tasks.flag_suspicious_batches.delay().get() == 1
    batch_a.refresh_from_db()
    batch_b.refresh_from_db()
    assert batch_a.is_flagged and batch_a.flagged_stamp_count == 1
    assert not batch_b.is_flagged


def test_a_flagged_batch_appears_with_its_count(ha_tinh_client, batch_a, batch_b, oranges):
    quiet = stamp_batch(oranges, quantity=3)
    for offset in (1, 7):
        scan(batch_a.stamps.get(number=batch_a.first_number + offset), 6)
    scan(batch_b.stamps.first(), 9)
    scans.flag_suspicious_batches(since=timezone.now() - timedelta(hours=1))

    response = ha_tinh_client.get(FLAGGED_URL)
    assert response.status_code == 200
    assert list(response.context["batches"]) == [batch_a]  # not Thanh Hóa's, not the quiet one
    row = response.content.decode().split('id="flagged_batches"')[1]
    assert batch_a.first_serial in row and ">2</td>" in row
    assert quiet.first_serial not in row

    listed = ha_tinh_client.get(LIST_URL)
    assert listed.context["open_flag_count"] == 1
    assert set(ha_tinh_client.get(LIST_URL, {"flagged": "on"}).context["batches"]) == {batch_a}

    detail = ha_tinh_client.get(detail_url(batch_a))
    assert 'id="batch_flag"' in detail.content.decode()
    assert vi("Mark as reviewed") in visible_text(detail)
    # The officer sees which stamps are scanned most.
    assert [stamp.scan_count for stamp in detail.context["most_scanned"]] == [6, 6]


def test_marking_a_flag_reviewed(ha_tinh_client, ha_tinh_reviewer, batch_a):
    scan(batch_a.stamps.first(), 6)
    scans.flag_suspicious_batches(since=timezone.now() - timedelta(hours=1))
    response = ha_tinh_client.post(detail_url(batch_a), {"action": "review_flag"})
    assert response.status_code == 302
    batch_a.refresh_from_db()
    assert not batch_a.is_flagged
    assert batch_a.flag_reviewed_by == ha_tinh_reviewer and batch_a.flag_reviewed_at >= batch_a.flagged_at
    assert list(ha_tinh_client.get(FLAGGED_URL).context["batches"]) == []
    assert ha_tinh_client.get(LIST_URL).context["open_flag_count"] == 0
    html = ha_tinh_client.get(detail_url(batch_a)).content.decode()
    assert 'id="batch_flag"' not in html and 'id="batch_flag_reviewed"' in html
    assert ha_tinh_reviewer.email in html


def test_a_reviewed_flag_opens_again_when_more_stamps_turn_suspicious(ha_tinh_client, batch_a):
    scan(batch_a.stamps.get(number=batch_a.first_number), 6)
    tasks.flag_suspicious_batches()
    ha_tinh_client.post(detail_url(batch_a), {"action": "review_flag"})
    StampBatch.objects.filter(pk=batch_a.pk).update(flag_reviewed_at=timezone.now() - timedelta(minutes=1))

    scan(batch_a.stamps.get(number=batch_a.first_number + 1), 6)
    tasks.flag_suspicious_batches()
    batches = list(ha_tinh_client.get(FLAGGED_URL).context["batches"])
    assert batches == [batch_a] and batches[0].flagged_stamp_count == 2


def test_only_the_provinces_officers_mark_a_flag_reviewed(client, client_a, batch_a, thanh_hoa_reviewer):
    scan(batch_a.stamps.first(), 6)
    scans.flag_suspicious_batches(since=timezone.now() - timedelta(hours=1))
    assert client_a.post(detail_url(batch_a), {"action": "review_flag"}).status_code == 403
    client.force_login(thanh_hoa_reviewer)
    assert client.post(detail_url(batch_a), {"action": "review_flag"}).status_code == 404
    batch_a.refresh_from_db()
    assert batch_a.is_flagged


def test_a_producer_cannot_open_the_flagged_list(client_a):
    assert client_a.get(FLAGGED_URL).status_code == 403


def test_the_flagged_lists_query_count_stays_flat(ha_tinh_client, oranges, django_assert_max_num_queries):
    def flag_new_batch():
        batch = stamp_batch(oranges, quantity=2)
        StampBatch.objects.filter(pk=batch.pk).update(flagged_at=timezone.now(), flagged_stamp_count=1)

    flag_new_batch()
    with CaptureQueriesContext(connection) as few:
        ha_tinh_client.get(FLAGGED_URL)
    for _number in range(6):
        flag_new_batch()
    with django_assert_max_num_queries(len(few)):
        assert len(ha_tinh_client.get(FLAGGED_URL).context["batches"]) == 7
