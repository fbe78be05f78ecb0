"""The batch list and a batch's page: what officers and producers see, filters, progress, query counts."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shop.dashboard.nav import dashboard_access_fn
from shop.stamps.models import RevocationReason, StampBatch
from shop.stamps.revocation import revoke
from tests.factories import stamp_batch
from tests.functional.dashboard.listings.helpers import certified_for
from tests.functional.dashboard.stamps.helpers import report, vi, with_print_files
from tests.functional.storefront.helpers import visible_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("dashboard:stamp-batch-list")


def detail_url(batch):
    return reverse("dashboard:stamp-batch-detail", kwargs={"pk": batch.pk})


def progress_url(batch):
    return reverse("dashboard:stamp-batch-progress", kwargs={"pk": batch.pk})


def generating(batch, made):
    StampBatch.objects.filter(pk=batch.pk).update(status=StampBatch.Status.GENERATING, generated_count=made)
    batch.refresh_from_db()
    return batch


# --- the list ---------------------------------------------------------------------------


def test_an_officer_lists_their_provinces_batches(ha_tinh_client, batch_a, batch_b):
    response = ha_tinh_client.get(LIST_URL)
    assert response.status_code == 200
    assert list(response.context["batches"]) == [batch_a]
    text = visible_text(response)
    assert batch_a.first_serial in text and batch_a.last_serial in text
    assert "Cam bù Vũ Quang" in text and "HTX Mật ong Hương Sơn" in text and "CAM-2026-01" in text
    assert "Nem chua" not in text and batch_b.first_serial not in text


def test_a_superuser_lists_every_province(admin_client, batch_a, batch_b):
    assert set(admin_client.get(LIST_URL).context["batches"]) == {batch_a, batch_b}


def test_a_producer_lists_their_own_batches_read_only(client_a, batch_a, batch_b):
    response = client_a.get(LIST_URL)
    assert response.status_code == 200
    assert list(response.context["batches"]) == [batch_a]
    html = response.content.decode()
    assert reverse("dashboard:stamp-batch-create") not in html
    assert reverse("dashboard:counterfeit-report-list") not in html
    assert "Nem chua" not in html
    # Producers filter by product and status only.
    assert set(response.context["filter_form"].fields) == {"product", "status"}


def test_the_list_shows_status_progress_revoked_count_and_flag(ha_tinh_client, batch_a, oranges, ha_tinh_reviewer):
    revoke(batch_a, batch_a.first_number, batch_a.first_number + 2, reason=RevocationReason.MISPRINTED)
    StampBatch.objects.filter(pk=batch_a.pk).update(flagged_at=timezone.now(), flagged_stamp_count=1)
    other = generating(stamp_batch(oranges, quantity=40), made=10)
    rows = ha_tinh_client.get(LIST_URL).content.decode().split("<tr")
    rows = {batch.pk: next(row for row in rows if batch.first_serial in row) for batch in (batch_a, other)}
    assert "stamp-batch-flagged" in rows[batch_a.pk] and vi("Suspicious") in rows[batch_a.pk]
    assert vi("%(count)s revoked", count=3) in rows[batch_a.pk]
    assert vi("Ready") in rows[batch_a.pk]
    assert vi("Generating stamps") in rows[other.pk] and 'aria-valuenow="25"' in rows[other.pk]
    assert "stamp-batch-flagged" not in rows[other.pk]


def test_the_list_counts_open_flags_and_new_reports_with_links(ha_tinh_client, batch_a, batch_b):
    StampBatch.objects.filter(pk__in=[batch_a.pk, batch_b.pk]).update(flagged_at=timezone.now(), flagged_stamp_count=2)
    report(stamp=batch_a.stamps.first())
    report()
    report(status="closed")
    report(province_code=38)
    response = ha_tinh_client.get(LIST_URL)
    assert (response.context["open_flag_count"], response.context["new_report_count"]) == (1, 2)
    html = response.content.decode()
    assert reverse("dashboard:stamp-flagged-list") in html
    assert reverse("dashboard:counterfeit-report-list") + "?status=new" in html


def test_filters(ha_tinh_client, batch_a, producer_a, ha_tinh_reviewer):
    honey = certified_for(producer_a, name="Mật ong rừng Vũ Quang")
    honey_batch = stamp_batch(honey, quantity=3)
    busy = generating(stamp_batch(honey, quantity=6), made=0)
    StampBatch.objects.filter(pk=batch_a.pk).update(flagged_at=timezone.now(), flagged_stamp_count=1)

    def listed(**params):
        return set(ha_tinh_client.get(LIST_URL, params).context["batches"])

    assert listed(product=honey.pk) == {honey_batch, busy}
    assert listed(status="generating") == {busy}
    assert listed(flagged="on") == {batch_a}
    assert listed(producer=producer_a.pk, product=honey.pk, status="ready") == {honey_batch}
    # A value that is not offered filters nothing rather than failing.
    assert listed(product=999999) == {batch_a, honey_batch, busy}


def test_the_producer_filter_offers_producers_with_batches_in_the_province(ha_tinh_client, batch_a, batch_b):
    form = ha_tinh_client.get(LIST_URL).context["filter_form"]
    assert list(form.fields["producer"].queryset) == [batch_a.producer]
    assert list(form.fields["product"].queryset) == [batch_a.product]


def test_the_list_pages_query_count_stays_flat(ha_tinh_client, oranges, producer_a, django_assert_max_num_queries):
    honey = certified_for(producer_a, name="Mật ong rừng")
    for product in (oranges, honey):
        batch = stamp_batch(product, quantity=2)
        revoke(batch, batch.first_number, batch.first_number, reason=RevocationReason.LOST_OR_STOLEN)
    with CaptureQueriesContext(connection) as few:
        assert ha_tinh_client.get(LIST_URL).status_code == 200
    for number in range(8):
        batch = stamp_batch(honey if number % 2 else oranges, quantity=2)
        revoke(batch, batch.first_number, batch.first_number, reason=RevocationReason.LOST_OR_STOLEN)
    with django_assert_max_num_queries(len(few)):
        response = ha_tinh_client.get(LIST_URL)
    assert len(response.context["batches"]) == 10


def test_the_producers_list_query_count_stays_flat(client_a, oranges, django_assert_max_num_queries):
    stamp_batch(oranges, quantity=2)
    with CaptureQueriesContext(connection) as few:
        client_a.get(LIST_URL)
    for _number in range(6):
        stamp_batch(oranges, quantity=2)
    with django_assert_max_num_queries(len(few)):
        assert len(client_a.get(LIST_URL).context["batches"]) == 7


# --- a batch's page -------------------------------------------------------------------------


def test_the_detail_shows_the_batch_and_its_certificate(ha_tinh_client, batch_a, oranges):
    response = ha_tinh_client.get(detail_url(batch_a))
    assert response.status_code == 200
    text = visible_text(response)
    for fact in (
        batch_a.first_serial,
        batch_a.last_serial,
        "Cam bù Vũ Quang",
        "HTX Mật ong Hương Sơn",
        "CAM-2026-01",
        oranges.certificate.number,
        oranges.certificate.issuing_authority,
    ):
        assert fact in text, fact
    assert batch_a.produced_on.strftime("%d/%m/%Y") in text
    assert 'id="certificate_problem"' not in response.content.decode()


def test_the_detail_warns_when_the_certificate_no_longer_allows_sale(ha_tinh_client, batch_a, oranges):
    from catalog.models import OcopCertificate, today

    OcopCertificate.objects.filter(pk=oranges.certificate_id).update(
        status=OcopCertificate.Status.WITHDRAWN, withdrawn_on=today()
    )
    html = ha_tinh_client.get(detail_url(batch_a)).content.decode()
    assert 'id="certificate_problem"' in html


def test_the_detail_shows_progress_while_generating_and_polls(ha_tinh_client, batch_a):
    generating(batch_a, made=5)
    html = ha_tinh_client.get(detail_url(batch_a)).content.decode()
    assert 'id="batch_progress"' in html
    assert 'aria-valuenow="25"' in html and "width: 25%" in html
    assert f'data-progress-url="{progress_url(batch_a)}"' in html and 'data-poll-ms="2000"' in html
    assert '<meta http-equiv="refresh" content="5">' in html  # without JavaScript
    assert vi("%(done)s of %(total)s stamps generated.", done="5", total="20") in html
    assert 'id="download_pdf"' not in html
    # Revocation waits for the stamps.
    assert 'id="revocation_forms"' not in html


def test_the_progress_endpoint(ha_tinh_client, batch_a):
    generating(batch_a, made=5)
    response = ha_tinh_client.get(progress_url(batch_a))
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    progress = json.loads(response.content)
    assert progress | {"summary": None, "status_label": None} == {
        "status": "generating",
        "status_label": None,
        "generated": 5,
        "quantity": 20,
        "percent": 25,
        "summary": None,
        "ready": False,
    }
    StampBatch.objects.filter(pk=batch_a.pk).update(status=StampBatch.Status.PRINTING, generated_count=20)
    progress = json.loads(ha_tinh_client.get(progress_url(batch_a)).content)
    assert (progress["status"], progress["percent"], progress["ready"]) == ("printing", 100, False)
    assert progress["status_label"] == vi("Preparing print files")
    StampBatch.objects.filter(pk=batch_a.pk).update(status=StampBatch.Status.READY)
    assert json.loads(ha_tinh_client.get(progress_url(batch_a)).content)["ready"] is True


def test_a_ready_batch_neither_polls_nor_refreshes_and_offers_its_files(client_a, batch_a):
    with_print_files(batch_a)
    html = client_a.get(detail_url(batch_a)).content.decode()
    assert 'id="batch_progress"' not in html and 'http-equiv="refresh"' not in html and "fetch(" not in html
    assert reverse("dashboard:stamp-batch-download", kwargs={"pk": batch_a.pk, "kind": "pdf"}) in html
    assert reverse("dashboard:stamp-batch-download", kwargs={"pk": batch_a.pk, "kind": "zip"}) in html


def test_a_producer_sees_the_detail_without_revocation_forms(client_a, batch_a, ha_tinh_reviewer):
    revoke(batch_a, batch_a.first_number, batch_a.first_number, reason=RevocationReason.LOST_OR_STOLEN, note="Mất")
    html = client_a.get(detail_url(batch_a)).content.decode()
    assert 'id="revocation_history"' in html  # the history, yes
    assert 'id="revocation_forms"' not in html and 'name="action"' not in html


def test_the_most_scanned_stamps(ha_tinh_client, batch_a):
    from shop.stamps.models import Stamp

    now = timezone.now()
    counts = {batch_a.first_number + 4: 31, batch_a.first_number + 1: 7, batch_a.first_number + 9: 2}
    for number, scans in counts.items():
        Stamp.objects.filter(batch=batch_a, number=number).update(
            scan_count=scans, first_scanned_at=now, last_scanned_at=now
        )
    response = ha_tinh_client.get(detail_url(batch_a))
    shown = [(stamp.serial, stamp.scan_count) for stamp in response.context["most_scanned"]]
    assert shown == [(batch_a.serial(number), scans) for number, scans in counts.items()]
    assert batch_a.serial(batch_a.first_number + 4) in visible_text(response)


def test_the_detail_query_count_does_not_grow_with_revocations_or_scans(
    ha_tinh_client, batch_a, django_assert_max_num_queries
):
    from shop.stamps.models import Stamp

    revoke(batch_a, batch_a.first_number, batch_a.first_number, reason=RevocationReason.LOST_OR_STOLEN)
    Stamp.objects.filter(batch=batch_a, number=batch_a.first_number + 1).update(scan_count=3)
    with CaptureQueriesContext(connection) as few:
        ha_tinh_client.get(detail_url(batch_a))
    for offset in range(2, 8):
        number = batch_a.first_number + offset
        revoke(batch_a, number, number, reason=RevocationReason.MISPRINTED)
    Stamp.objects.filter(batch=batch_a).update(scan_count=5)
    with django_assert_max_num_queries(len(few)):
        response = ha_tinh_client.get(detail_url(batch_a))
    assert len(response.context["revocations"]) == 7 and len(response.context["most_scanned"]) == 10


def test_the_menu(client, staff_a, ha_tinh_reviewer, sales_point_operator, trade_officer):
    """Producers see their batches; officers every stamp page; sales points and other officers none."""
    pages = {
        name: reverse(f"dashboard:{name}")
        for name in ("stamp-batch-list", "stamp-batch-create", "stamp-flagged-list", "counterfeit-report-list")
    }

    def menu_of(user):
        client.force_login(user)
        html = client.get(reverse("dashboard:index"), follow=True).content.decode()
        return {name for name, url in pages.items() if f'href="{url}"' in html}

    assert menu_of(staff_a) == {"stamp-batch-list"}
    assert menu_of(ha_tinh_reviewer) == set(pages)
    assert menu_of(sales_point_operator) == set()
    # Officers of the Department of Industry and Trade do not issue stamps.
    assert not any(dashboard_access_fn(trade_officer, f"dashboard:{name}") for name in pages)


def test_who_may_open_the_list(client, sales_point_operator, trade_officer, batch_a):
    for user in (sales_point_operator, trade_officer):
        client.force_login(user)
        assert client.get(LIST_URL).status_code == 403, user
        assert client.get(detail_url(batch_a)).status_code == 403, user
    client.logout()
    assert client.get(LIST_URL).status_code == 302
