"""Who reaches which batch, on every batch URL, and the print file downloads."""

import pytest
from django.urls import reverse

from shop.stamps.models import StampBatch
from tests.functional.dashboard.stamps.helpers import PDF_BYTES, ZIP_BYTES, with_print_files

pytestmark = pytest.mark.django_db


def batch_urls(batch):
    return {
        "detail": reverse("dashboard:stamp-batch-detail", kwargs={"pk": batch.pk}),
        "progress": reverse("dashboard:stamp-batch-progress", kwargs={"pk": batch.pk}),
        "pdf": reverse("dashboard:stamp-batch-download", kwargs={"pk": batch.pk, "kind": "pdf"}),
        "zip": reverse("dashboard:stamp-batch-download", kwargs={"pk": batch.pk, "kind": "zip"}),
    }


def download(client, batch, kind):
    return client.get(reverse("dashboard:stamp-batch-download", kwargs={"pk": batch.pk, "kind": kind}))


@pytest.fixture
def ready_a(batch_a):
    return with_print_files(batch_a)


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_thanh_hoa_officer_gets_404_on_every_url_of_a_ha_tinh_batch(thanh_hoa_client, ready_a, method):
    for name, url in batch_urls(ready_a).items():
        response = getattr(thanh_hoa_client, method)(url, {"action": "revoke_batch", "batch-reason": "lost"})
        assert response.status_code == 404, (name, method)
    assert not ready_a.revocations.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_producer_gets_404_on_every_url_of_a_batch(client_b, ready_a, method):
    for name, url in batch_urls(ready_a).items():
        assert getattr(client_b, method)(url).status_code == 404, (name, method)


def test_the_producers_own_batch_opens_on_every_url(client_a, ready_a):
    for name, url in batch_urls(ready_a).items():
        assert client_a.get(url).status_code == 200, name


def test_sales_points_and_other_officers_are_refused(client, sales_point_operator, trade_officer, ready_a):
    for user in (sales_point_operator, trade_officer):
        client.force_login(user)
        for name, url in batch_urls(ready_a).items():
            assert client.get(url).status_code == 403, (user, name)


def test_anonymous_visitors_are_sent_to_log_in(client, ready_a):
    for name, url in batch_urls(ready_a).items():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], name


def test_a_superuser_opens_any_batch(admin_client, batch_b):
    with_print_files(batch_b)
    for name, url in batch_urls(batch_b).items():
        assert admin_client.get(url).status_code == 200, name


def test_the_pdf_download(client_a, ready_a):
    response = download(client_a, ready_a, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="tem-ocop-{ready_a.first_serial}_{ready_a.last_serial}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_zip_download_for_the_provinces_officer(ha_tinh_client, ready_a):
    response = download(ha_tinh_client, ready_a, "zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert b"".join(response.streaming_content) == ZIP_BYTES


def test_no_download_before_the_files_are_ready(client_a, batch_a):
    for status in (StampBatch.Status.GENERATING, StampBatch.Status.PRINTING, StampBatch.Status.READY):
        StampBatch.objects.filter(pk=batch_a.pk).update(status=status)
        assert download(client_a, batch_a, "pdf").status_code == 404, status
        assert download(client_a, batch_a, "zip").status_code == 404, status
    # The files are written, but the batch is not marked ready yet (a second run of render_print_files).
    with_print_files(batch_a)
    StampBatch.objects.filter(pk=batch_a.pk).update(status=StampBatch.Status.PRINTING)
    assert download(client_a, batch_a, "pdf").status_code == 404


def test_a_file_missing_from_storage_is_404(client_a, ready_a):
    ready_a.pdf_file.storage.delete(ready_a.pdf_file.name)
    assert download(client_a, ready_a, "pdf").status_code == 404
    assert download(client_a, ready_a, "zip").status_code == 200


def test_the_print_files_are_kept_outside_the_public_media(ready_a, settings, private_storage_dir):
    """Only the download view serves them; the web server's /media/ does not reach them."""
    for file in (ready_a.pdf_file, ready_a.zip_file):
        assert file.path.startswith(str(private_storage_dir))
        assert not file.path.startswith(str(settings.MEDIA_ROOT))


def test_only_pdf_and_zip(client_a, ready_a):
    response = client_a.get(f"/dashboard/stamps/{ready_a.pk}/download/csv/")
    assert response.status_code == 404
