"""Counterfeit reports in the officers' dashboard: scoped by the province where the goods were bought."""

import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from shop.stamps.models import CounterfeitReport
from tests.factories import HA_TINH, THANH_HOA
from tests.functional.dashboard.stamps.helpers import report, vi
from tests.functional.storefront.helpers import visible_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("dashboard:counterfeit-report-list")


def detail_url(item):
    return reverse("dashboard:counterfeit-report-detail", kwargs={"pk": item.pk})


def photo_url(item):
    return reverse("dashboard:counterfeit-report-photo", kwargs={"pk": item.pk})


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def test_an_officer_sees_the_reports_made_in_their_province(ha_tinh_client, batch_a, batch_b):
    here = report(stamp=batch_a.stamps.first(), place="Siêu thị Vinmart Hà Tĩnh")
    unknown = report(code="zzzzzzzzzzzzzzzz", place="Chợ Cầu Treo")
    elsewhere = report(province_code=THANH_HOA, stamp=batch_b.stamps.first(), place="Chợ Vườn Hoa")
    response = ha_tinh_client.get(LIST_URL)
    assert response.status_code == 200
    assert list(response.context["reports"]) == [unknown, here]
    text = visible_text(response)
    assert "Siêu thị Vinmart Hà Tĩnh" in text and "Chợ Cầu Treo" in text and "Chợ Vườn Hoa" not in text
    assert vi("Unknown code") in text
    html = response.content.decode()
    assert reverse("dashboard:stamp-batch-detail", kwargs={"pk": batch_a.pk}) in html
    assert detail_url(elsewhere) not in html


def test_a_superuser_sees_every_report(admin_client):
    reports = {report(), report(province_code=THANH_HOA)}
    assert set(admin_client.get(LIST_URL).context["reports"]) == reports


def test_filter_by_status_and_the_count_of_new_reports(ha_tinh_client):
    new = report()
    closed = report(status=CounterfeitReport.Status.CLOSED, officer_note="Không phải hàng giả")
    report(province_code=THANH_HOA)
    response = ha_tinh_client.get(LIST_URL, {"status": "new"})
    assert list(response.context["reports"]) == [new]
    assert response.context["new_report_count"] == 1
    assert list(ha_tinh_client.get(LIST_URL, {"status": "closed"}).context["reports"]) == [closed]


def test_a_report_about_another_provinces_stamp_does_not_link_to_its_batch(ha_tinh_client, batch_b):
    """Goods with a Thanh Hóa stamp, bought in Hà Tĩnh: Hà Tĩnh sees the report, not the batch."""
    item = report(province_code=HA_TINH, stamp=batch_b.stamps.first())
    batch_link = reverse("dashboard:stamp-batch-detail", kwargs={"pk": batch_b.pk})
    assert batch_link not in ha_tinh_client.get(LIST_URL).content.decode()
    detail = ha_tinh_client.get(detail_url(item))
    assert detail.status_code == 200
    assert batch_link not in detail.content.decode()
    assert batch_b.stamps.first().serial in visible_text(detail)


def test_the_detail_links_to_the_stamps_batch(ha_tinh_client, batch_a):
    stamp = batch_a.stamps.first()
    item = report(stamp=stamp, contact="0912 345 678", description="Nhãn in lệch, màu nhạt")
    response = ha_tinh_client.get(detail_url(item))
    html = response.content.decode()
    assert 'id="report_batch_link"' in html
    assert reverse("dashboard:stamp-batch-detail", kwargs={"pk": batch_a.pk}) in html
    text = visible_text(response)
    assert stamp.serial in text and "0912 345 678" in text and "Nhãn in lệch, màu nhạt" in text


def test_moving_a_report_on(ha_tinh_client, ha_tinh_reviewer):
    item = report()
    form = ha_tinh_client.get(detail_url(item)).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == ["new", "investigating", "closed"]

    response = ha_tinh_client.post(
        detail_url(item), {"status": "investigating", "officer_note": "Đã liên hệ quầy hàng"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.officer_note, item.handled_by) == (
        "investigating",
        "Đã liên hệ quầy hàng",
        ha_tinh_reviewer,
    )
    assert item.handled_at is not None
    form = ha_tinh_client.get(detail_url(item)).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == ["investigating", "closed"]

    ha_tinh_client.post(
        detail_url(item), {"status": "closed", "officer_note": "Quầy hàng đã thu hồi hàng giả; chuyển QLTT"}
    )
    item.refresh_from_db()
    assert item.status == "closed"


def test_closing_needs_a_note_and_nothing_typed_is_lost(ha_tinh_client):
    item = report()
    response = ha_tinh_client.post(detail_url(item), {"status": "closed", "officer_note": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["officer_note"] == [vi("Say what was found before closing the report.")]
    item.refresh_from_db()
    assert item.status == "new"


def test_a_status_that_cannot_follow_is_refused(ha_tinh_client):
    item = report(status=CounterfeitReport.Status.INVESTIGATING, officer_note="Đang xác minh")
    response = ha_tinh_client.post(detail_url(item), {"status": "new", "officer_note": "Đang xác minh"})
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    item.refresh_from_db()
    assert item.status == "investigating"


def test_saving_without_a_change_says_so(ha_tinh_client):
    item = report()
    response = ha_tinh_client.post(detail_url(item), {"status": "new", "officer_note": ""})
    assert response.context["form"].non_field_errors() == [
        vi("Nothing was changed: choose the new status or write a note.")
    ]


def test_the_photo_is_served_to_the_provinces_officers_only(client, ha_tinh_reviewer, thanh_hoa_reviewer, staff_a):
    item = report(photo=ContentFile(jpeg_bytes(), name="tem-gia.jpg"))
    client.force_login(ha_tinh_reviewer)
    assert photo_url(item) in client.get(detail_url(item)).content.decode()
    response = client.get(photo_url(item))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == jpeg_bytes()

    client.force_login(thanh_hoa_reviewer)
    assert client.get(photo_url(item)).status_code == 404
    assert client.get(detail_url(item)).status_code == 404
    client.force_login(staff_a)
    assert client.get(photo_url(item)).status_code == 403
    client.logout()
    assert client.get(photo_url(item)).status_code == 302


def test_a_report_without_a_photo(ha_tinh_client):
    item = report()
    assert ha_tinh_client.get(photo_url(item)).status_code == 404
    assert 'id="report_photo"' not in ha_tinh_client.get(detail_url(item)).content.decode()


def test_other_provinces_officers_cannot_handle_a_report(thanh_hoa_client):
    item = report()
    response = thanh_hoa_client.post(detail_url(item), {"status": "closed", "officer_note": "x"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "new"


def test_producer_staff_and_sales_points_see_no_reports(client, staff_a, sales_point_operator):
    item = report()
    for user in (staff_a, sales_point_operator):
        client.force_login(user)
        assert client.get(LIST_URL).status_code == 403
        assert client.get(detail_url(item)).status_code == 403


def test_the_report_lists_query_count_stays_flat(ha_tinh_client, batch_a, django_assert_max_num_queries):
    stamps = list(batch_a.stamps.all())
    report(stamp=stamps[0])
    report()
    with CaptureQueriesContext(connection) as few:
        ha_tinh_client.get(LIST_URL)
    for stamp in stamps[1:8]:
        report(stamp=stamp)
    with django_assert_max_num_queries(len(few)):
        assert len(ha_tinh_client.get(LIST_URL).context["reports"]) == 9
