"""The producer's monthly report: months in Asia/Ho_Chi_Minh, channels, cancelled and other producers' lines left out."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shop.order.models import FulfilmentChannel, LineStatus
from shop.order.reports import (
    ReportMonth,
    last_twelve_months,
    month_totals,
    monthly_report,
    report_csv,
    report_xlsx,
    table_rows,
)
from tests.factories import ProducerFactory, certified_product, placed_order

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def producer():
    return ProducerFactory(name="HTX Mật ong Hương Sơn", code="htx-mat-ong")


@pytest.fixture
def honey(producer):
    return certified_product(producer=producer, title="Mật ong rừng Hương Sơn", stock=(Decimal("250000"), 500))


@pytest.fixture
def oranges(producer):
    return certified_product(producer=producer, title="Cam Vũ Quang", stock=(Decimal("60000"), 500))


def test_report_month_bounds_are_local_midnights():
    march = ReportMonth(2026, 3)
    # Hà Nội is UTC+7: the month starts at 17:00 UTC the day before.
    assert march.start == utc(2026, 2, 28, 17)
    assert march.end == utc(2026, 3, 31, 17)
    assert ReportMonth(2026, 12).end == utc(2026, 12, 31, 17)
    assert ReportMonth(2026, 1).previous() == ReportMonth(2025, 12)
    assert ReportMonth(2026, 3).shifted(-11) == ReportMonth(2025, 4)
    assert str(ReportMonth(2026, 3)) == "2026-03"


@pytest.mark.parametrize("value", ["", "2026-3", "2026-13", "2026-00", "26-03", "2026/03", "abcd-ef", "2026-03-01"])
def test_report_month_parse_refuses_anything_but_year_dash_month(value):
    with pytest.raises(ValueError):
        ReportMonth.parse(value)


def test_an_order_at_half_past_eleven_on_the_last_evening_counts_in_that_month(honey, oranges, producer):
    # 23:30 on 31 January in Hà Nội is 16:30 UTC: January.
    placed_order([(honey, 2)], placed_at=utc(2026, 1, 31, 16, 30))
    # 00:10 on 1 February in Hà Nội is still 31 January in UTC: February.
    placed_order([(oranges, 3)], placed_at=utc(2026, 1, 31, 17, 10))

    january = monthly_report(producer, 2026, 1)
    february = monthly_report(producer, 2026, 2)

    assert [(row.title, row.total.units, row.total.revenue) for row in january.rows] == [
        ("Mật ong rừng Hương Sơn", 2, Decimal("500000"))
    ]
    assert [(row.title, row.total.units, row.total.revenue) for row in february.rows] == [
        ("Cam Vũ Quang", 3, Decimal("180000"))
    ]
    assert january.total.units == 2
    assert february.total.whole_revenue == 180000


def test_units_and_revenue_per_product_and_channel_with_totals(honey, oranges, producer):
    placed_at = utc(2026, 3, 10, 3)
    placed_order([(honey, 2), (oranges, 1)], channel=FulfilmentChannel.DELIVERY, placed_at=placed_at)
    placed_order([(honey, 1)], channel=FulfilmentChannel.SALES_POINT_PICKUP, placed_at=placed_at)
    placed_order([(honey, 4), (oranges, 5)], channel=FulfilmentChannel.FAIR_PICKUP, placed_at=placed_at)

    report = monthly_report(producer, 2026, 3)

    honey_row, oranges_row = report.rows  # the larger revenue first
    assert honey_row.title == "Mật ong rừng Hương Sơn"
    assert honey_row.sku == f"SKU-{honey.pk}"
    assert [(f.units, f.revenue) for f in honey_row.channel_figures] == [
        (2, Decimal("500000")),
        (1, Decimal("250000")),
        (4, Decimal("1000000")),
    ]
    assert (honey_row.total.units, honey_row.total.revenue) == (7, Decimal("1750000"))
    assert [(f.units, f.revenue) for f in oranges_row.channel_figures] == [
        (1, Decimal("60000")),
        (0, Decimal("0")),
        (5, Decimal("300000")),
    ]
    assert [(f.units, f.whole_revenue) for f in report.channel_figures] == [
        (3, 560000),
        (1, 250000),
        (9, 1300000),
    ]
    assert (report.total.units, report.total.whole_revenue) == (13, 2110000)
    assert month_totals(producer, ReportMonth(2026, 3)).units == 13


def test_cancelled_lines_and_other_producers_lines_are_left_out(honey, producer):
    other_producer = ProducerFactory()
    other_product = certified_product(producer=other_producer, stock=(Decimal("999000"), 50))
    placed_at = utc(2026, 3, 10, 3)
    shared = placed_order([(honey, 1), (other_product, 2)], placed_at=placed_at)
    cancelled = placed_order([(honey, 5)], placed_at=placed_at)
    cancelled.lines.update(status=LineStatus.CANCELLED)
    shipped = placed_order([(honey, 3)], placed_at=placed_at)
    shipped.lines.update(status=LineStatus.SHIPPED)

    report = monthly_report(producer, 2026, 3)

    assert [(row.title, row.total.units) for row in report.rows] == [("Mật ong rừng Hương Sơn", 4)]
    assert report.total.revenue == Decimal("1000000")
    assert shared.lines.count() == 2
    other = monthly_report(other_producer, 2026, 3)
    assert (other.total.units, other.total.revenue) == (2, Decimal("1998000"))


def test_an_empty_month_has_no_rows_and_zero_totals(producer, honey):
    placed_order([(honey, 1)], placed_at=utc(2026, 3, 10, 3))
    report = monthly_report(producer, 2026, 4)
    assert report.is_empty
    assert (report.total.units, report.total.revenue) == (0, 0)
    assert table_rows(report)[-1][2:] == [0] * 8


def test_last_twelve_months_gives_every_month_oldest_first(honey, producer):
    placed_order([(honey, 1)], placed_at=utc(2025, 4, 30, 17, 5))  # 00:05 on 1 May local: May 2025
    placed_order([(honey, 2)], placed_at=utc(2025, 4, 30, 16, 55))  # 23:55 on 30 April: outside the window
    placed_order([(honey, 3)], placed_at=utc(2026, 4, 30, 16, 0))  # 23:00 on 30 April 2026
    placed_order([(honey, 4)], placed_at=utc(2026, 4, 30, 17, 0))  # May 2026: after the window
    cancelled = placed_order([(honey, 5)], placed_at=utc(2026, 1, 15, 3))
    cancelled.lines.update(status=LineStatus.CANCELLED)

    points = last_twelve_months(producer, ReportMonth(2026, 4))

    assert len(points) == 12
    assert [(p.year, p.month) for p in points][:2] == [(2025, 5), (2025, 6)]
    assert (points[-1].year, points[-1].month) == (2026, 4)
    assert (points[0].units, points[0].revenue) == (1, Decimal("250000"))
    assert (points[-1].units, points[-1].revenue) == (3, Decimal("750000"))
    assert sum(p.units for p in points) == 4
    assert last_twelve_months(producer, date(2026, 4, 30)) == points


def test_last_twelve_months_is_one_query(honey, producer, django_assert_num_queries):
    for month in range(1, 13):
        placed_order([(honey, 1)], placed_at=utc(2025, month, 10, 3))
    with django_assert_num_queries(1):
        points = last_twelve_months(producer, ReportMonth(2025, 12))
    assert [p.units for p in points] == [1] * 12


def test_csv_is_utf8_with_a_bom_and_a_vietnamese_header(honey, oranges, producer):
    placed_order([(honey, 2)], channel=FulfilmentChannel.DELIVERY, placed_at=utc(2026, 3, 10, 3))
    placed_order([(oranges, 5)], channel=FulfilmentChannel.FAIR_PICKUP, placed_at=utc(2026, 3, 10, 3))

    content = report_csv(monthly_report(producer, 2026, 3))

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Sản phẩm", "Mã SKU"]
    assert rows[0][-2:] == ["Tổng số lượng", "Tổng doanh thu (đồng)"]
    assert len(rows[0]) == 10
    assert rows[1] == ["Mật ong rừng Hương Sơn", f"SKU-{honey.pk}", "2", "500000", "0", "0", "0", "0", "2", "500000"]
    assert rows[2] == ["Cam Vũ Quang", f"SKU-{oranges.pk}", "0", "0", "0", "0", "5", "300000", "5", "300000"]
    assert rows[3] == ["Tổng cộng", "", "2", "500000", "0", "0", "5", "300000", "7", "800000"]


def test_xlsx_has_a_header_numbers_as_numbers_and_a_totals_row(honey, producer):
    placed_order([(honey, 3)], channel=FulfilmentChannel.SALES_POINT_PICKUP, placed_at=utc(2026, 3, 10, 3))

    workbook = load_workbook(io.BytesIO(report_xlsx(monthly_report(producer, 2026, 3))))
    sheet = workbook.active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert sheet.title == "2026-03"
    assert rows[0][0] == "Sản phẩm"
    assert sheet["A1"].font.bold
    assert rows[1] == ["Mật ong rừng Hương Sơn", f"SKU-{honey.pk}", 0, 0, 3, 750000, 0, 0, 3, 750000]
    assert rows[2] == ["Tổng cộng", None, 0, 0, 3, 750000, 0, 0, 3, 750000]
    assert all(isinstance(value, int) for value in rows[1][2:])
    assert sheet.cell(row=3, column=1).font.bold


def test_a_title_that_looks_like_a_formula_stays_text(producer):
    product = certified_product(producer=producer, title='=HYPERLINK("http://evil.example")')
    placed_order([(product, 1)], placed_at=utc(2026, 3, 10, 3))
    report = monthly_report(producer, 2026, 3)

    sheet = load_workbook(io.BytesIO(report_xlsx(report))).active
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == product.title
    rows = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    assert rows[1][0] == "'" + product.title


def test_a_deleted_product_keeps_its_line_in_the_report(producer, honey):
    placed_order([(honey, 2)], placed_at=utc(2026, 3, 10, 3) + timedelta(days=1))
    title, sku = honey.title, f"SKU-{honey.pk}"
    honey.stockrecords.all().delete()
    honey.delete()
    report = monthly_report(producer, 2026, 3)
    assert [(row.title, row.sku, row.total.units) for row in report.rows] == [(title, sku, 2)]


# --- The monthly e-mail -----------------------------------------------------------
# 07:00 on 1 April 2026 in Hà Nội, when beat sends the reports of March.
FIRST_OF_APRIL = "2026-04-01 00:00:00"


def attached_rows(message):
    (filename, content, mimetype) = message.attachments[0]
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return filename, [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_the_monthly_reports_are_in_the_beat_schedule_at_seven_on_the_first():
    from celery.schedules import crontab
    from django.conf import settings

    from shop.celery import app

    (entry,) = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "shop.order.tasks.send_monthly_reports"
    ]
    assert entry["schedule"] == crontab(day_of_month=1, hour=7, minute=0)
    app.loader.import_default_modules()
    assert "shop.order.tasks.send_monthly_reports" in app.tasks


def test_each_producer_gets_last_months_report_in_vietnamese_with_the_xlsx_once(producer, honey):
    from django.core import mail
    from freezegun import freeze_time

    from shop.order.models import MonthlyReportDispatch
    from shop.order.tasks import send_monthly_reports
    from tests.factories import partner_staff

    staff = partner_staff(producer, "ke-toan@htx-mat-ong.vn")
    other = ProducerFactory(name="HTX Nem chua", email="nem@example.vn")
    nem = certified_product(producer=other, title="Nem chua Thanh Hóa", stock=(Decimal("90000"), 50))
    silent = ProducerFactory(email="")  # no address at all: nothing to send, nothing recorded
    placed_order([(honey, 2), (nem, 1)], channel=FulfilmentChannel.DELIVERY, placed_at=utc(2026, 3, 31, 16, 30))
    placed_order([(honey, 1)], channel=FulfilmentChannel.FAIR_PICKUP, placed_at=utc(2026, 3, 2, 3))
    placed_order([(honey, 9)], placed_at=utc(2026, 3, 31, 17, 0))  # 1 April local: not in March's report
    mail.outbox.clear()

    with freeze_time(FIRST_OF_APRIL):
        assert send_monthly_reports.delay().get() == 3
        send_monthly_reports.delay().get()  # beat firing twice, or a retry: nothing more is sent

    assert len(mail.outbox) == 2
    to_producer = next(m for m in mail.outbox if producer.email in m.to)
    assert to_producer.to == [producer.email, staff.email]
    assert to_producer.subject == "Báo cáo bán hàng tháng 03/2026: HTX Mật ong Hương Sơn"
    assert to_producer.extra_headers["Content-Language"] == "vi"
    assert "trước ngày 15/04/2026" in to_producer.body
    assert "Tổng cộng: 3 sản phẩm, 750.000" in to_producer.body
    assert "/dashboard/monthly-report/?month=2026-03" in to_producer.body
    filename, rows = attached_rows(to_producer)
    assert filename == "bao-cao-ban-hang-htx-mat-ong-2026-03.xlsx"
    assert rows[1] == ["Mật ong rừng Hương Sơn", f"SKU-{honey.pk}", 2, 500000, 0, 0, 1, 250000, 3, 750000]
    assert rows[-1][0] == "Tổng cộng" and len(rows) == 3

    to_other = next(m for m in mail.outbox if other.email in m.to)
    assert [row[0] for row in attached_rows(to_other)[1]] == ["Sản phẩm", "Nem chua Thanh Hóa", "Tổng cộng"]

    sent = set(MonthlyReportDispatch.objects.values_list("producer_id", "year", "month"))
    assert sent == {(producer.pk, 2026, 3), (other.pk, 2026, 3)}
    assert silent.pk not in {producer_id for producer_id, _, _ in sent}


def test_a_producer_without_sales_is_still_reminded_of_the_15th(producer):
    from django.core import mail

    from shop.order.tasks import send_monthly_report

    assert send_monthly_report.delay(producer.pk, 2026, 2).get() is True
    assert send_monthly_report.delay(producer.pk, 2026, 2).get() is False
    (message,) = mail.outbox
    assert "Không có đơn hàng nào đặt trong tháng 02/2026" in message.body
    assert "trước ngày 15/03/2026" in message.body
    assert attached_rows(message)[1][-1] == ["Tổng cộng", None, 0, 0, 0, 0, 0, 0, 0, 0]


def test_a_failed_send_is_not_recorded_so_the_retry_sends_it(producer, monkeypatch):
    from django.core import mail
    from django.core.mail import EmailMessage

    from shop.order.models import MonthlyReportDispatch
    from shop.order.tasks import send_monthly_report

    def broken_send(self, fail_silently=False):
        raise ConnectionError("SMTP server is down")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", broken_send)
        with pytest.raises(ConnectionError):
            send_monthly_report.apply(args=(producer.pk, 2026, 2), throw=True, retries=5)
    assert not MonthlyReportDispatch.objects.exists()
    assert send_monthly_report.delay(producer.pk, 2026, 2).get() is True
    assert len(mail.outbox) == 1
