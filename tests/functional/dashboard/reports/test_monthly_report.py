"""The producer's monthly report page and its CSV and XLSX downloads."""

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shop.order.models import FulfilmentChannel
from shop.order.reports import ReportMonth
from tests.factories import SalesPointPartnerFactory, certified_product, partner_staff, placed_order

pytestmark = pytest.mark.django_db

REPORT_URL = reverse("dashboard:producer-report")


def download_url(year, month, fmt):
    return reverse("dashboard:producer-report-download", kwargs={"year": year, "month": month, "fmt": fmt})


@pytest.fixture
def honey_a(producer_a):
    return certified_product(producer=producer_a, title="Mật ong rừng Hương Sơn", stock=(Decimal("250000"), 500))


@pytest.fixture
def nem_b(producer_b):
    return certified_product(producer=producer_b, title="Nem chua Thanh Hóa", stock=(Decimal("777000"), 500))


def bar_count(html):
    return len(re.findall(r'<rect class="report-bar', html))


def test_the_report_of_this_month_by_default(client_a, honey_a, nem_b):
    placed_order([(honey_a, 2), (nem_b, 5)], channel=FulfilmentChannel.SALES_POINT_PICKUP)

    response = client_a.get(REPORT_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["report_month"] == ReportMonth.current()
    assert "Mật ong rừng Hương Sơn" in html
    assert "Nem chua Thanh Hóa" not in html
    assert "777" not in html
    report = response.context["report"]
    assert (report.total.units, report.total.revenue) == (2, Decimal("500000"))
    assert 'id="report_total_revenue">500.000' in html
    assert 'type="month"' in html
    assert download_url(report.month.year, report.month.month, "csv") in html
    assert download_url(report.month.year, report.month.month, "xlsx") in html


def test_the_chart_has_twelve_bars_with_accessible_labels(client_a, honey_a):
    placed_order([(honey_a, 1)], placed_at=datetime(2026, 2, 10, 3, tzinfo=UTC))
    placed_order([(honey_a, 4)], placed_at=datetime(2025, 6, 10, 3, tzinfo=UTC))

    html = client_a.get(REPORT_URL, {"month": "2026-03"}).content.decode()

    assert bar_count(html) == 12
    assert html.count('class="report-bar is-selected"') == 1
    assert 'role="img"' in html and 'aria-labelledby="chart_title chart_desc"' in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "04/2025" in svg and "03/2026" in svg
    assert "1.000.000" in svg  # June 2025 is the highest month
    bars = re.findall(r'<rect class="report-bar[^"]*" x="[^"]+" y="[^"]+" width="\d+" height="([0-9.]+)"', svg)
    heights = [float(height) for height in bars]
    assert heights[2] == 200.0  # June 2025, the highest
    assert heights[10] == 50.0  # February 2026: a quarter of it
    assert heights.count(0.0) == 10


def test_a_chosen_month_and_the_deadline_of_the_15th(client_a, honey_a):
    # 23:30 on 31 January in Hà Nội.
    placed_order([(honey_a, 3)], placed_at=datetime(2026, 1, 31, 16, 30, tzinfo=UTC))

    january = client_a.get(REPORT_URL, {"month": "2026-01"})
    february = client_a.get(REPORT_URL, {"month": "2026-02"})

    assert january.context["report"].total.units == 3
    assert february.context["report"].total.units == 0
    assert january.context["deadline"].isoformat() == "2026-02-15"
    assert "15/02/2026" in january.content.decode()
    assert "?month=2025-12" in january.content.decode()  # the previous month


@pytest.mark.parametrize("bad", ["2026-13", "hello", "2026-3", "", "1999-12", "9999-01", "<script>"])
def test_bad_month_input_shows_a_clear_message_and_the_current_month(client_a, vietnamese, bad):
    response = client_a.get(REPORT_URL, {"month": bad})

    assert response.status_code == 200
    assert response.context["report_month"] == ReportMonth.current()
    assert response.context["month_is_invalid"]
    html = response.content.decode()
    assert 'id="report_month_error"' in html
    assert "<script>" not in html[html.index('id="report_month_form"') : html.index("<svg")]
    assert bar_count(html) == 12


def test_a_future_month_is_refused_with_a_message(client_a, english):
    next_month = ReportMonth.current().shifted(1)
    response = client_a.get(REPORT_URL, {"month": str(next_month)})
    assert response.context["report_month"] == ReportMonth.current()
    assert "This month has not begun yet." in response.content.decode()
    assert "Showing the current month" in response.content.decode()


def test_a_month_that_is_not_one_is_explained_in_vietnamese(client_a, vietnamese):
    html = client_a.get(REPORT_URL, {"month": "2026-13"}).content.decode()
    assert "“2026-13” không phải là một tháng" in html


def test_the_page_speaks_vietnamese(client_a, vietnamese):
    html = client_a.get(REPORT_URL, {"month": "2026-03"}).content.decode()
    assert "Báo cáo bán hàng tháng 03/2026" in html
    assert "trước ngày 15" in html


def test_csv_download(client_a, honey_a, nem_b):
    placed_order(
        [(honey_a, 2), (nem_b, 1)], channel=FulfilmentChannel.FAIR_PICKUP, placed_at=datetime(2026, 3, 5, tzinfo=UTC)
    )

    response = client_a.get(download_url(2026, 3, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'attachment; filename="bao-cao-ban-hang-htx-mat-ong-huong-son-2026-03.csv"' == response["Content-Disposition"]
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Sản phẩm"
    assert rows[1] == ["Mật ong rừng Hương Sơn", f"SKU-{honey_a.pk}", "0", "0", "0", "0", "2", "500000", "2", "500000"]
    assert rows[-1][0] == "Tổng cộng"
    assert len(rows) == 3
    assert "Nem chua" not in response.content.decode("utf-8-sig")


def test_xlsx_download(client_a, honey_a):
    placed_order([(honey_a, 2)], placed_at=datetime(2026, 3, 5, tzinfo=UTC))

    response = client_a.get(download_url(2026, 3, "xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Sản phẩm"
    assert rows[1] == ["Mật ong rừng Hương Sơn", f"SKU-{honey_a.pk}", 2, 500000, 0, 0, 0, 0, 2, 500000]
    assert rows[2][0] == "Tổng cộng" and rows[2][-1] == 500000


@pytest.mark.parametrize(
    "year, month, fmt", [(2026, 3, "pdf"), (2026, 13, "csv"), (2026, 0, "xlsx"), (99999, 1, "csv"), (2026, 3, "CSV")]
)
def test_unknown_download_is_404(client_a, year, month, fmt):
    assert client_a.get(download_url(year, month, fmt)).status_code == 404


def test_producer_b_sees_only_b_figures(client, staff_b, honey_a, nem_b):
    placed_order([(honey_a, 2), (nem_b, 3)], placed_at=datetime(2026, 3, 5, tzinfo=UTC))
    client.force_login(staff_b)

    report = client.get(REPORT_URL, {"month": "2026-03"}).context["report"]
    sheet = load_workbook(io.BytesIO(client.get(download_url(2026, 3, "xlsx")).content)).active

    assert [row.title for row in report.rows] == ["Nem chua Thanh Hóa"]
    assert report.total.revenue == Decimal("2331000")
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "Sản phẩm",
        "Nem chua Thanh Hóa",
        "Tổng cộng",
    ]


@pytest.mark.parametrize("url", [REPORT_URL, download_url(2026, 3, "csv"), download_url(2026, 3, "xlsx")])
def test_only_producer_staff_get_in(client, url):
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]

    sales_point_operator = partner_staff(SalesPointPartnerFactory())
    client.force_login(sales_point_operator)
    assert client.get(url).status_code == 403

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    no_partner = get_user_model().objects.create_user(username="lonely@example.vn", email="lonely@example.vn")
    no_partner.user_permissions.add(Permission.objects.get(codename="dashboard_access"))
    client.force_login(no_partner)
    assert client.get(url).status_code == 403

    buyer = get_user_model().objects.create_user(username="buyer@example.vn", email="buyer@example.vn")
    client.force_login(buyer)
    assert client.get(url).status_code in (302, 403)


def test_posting_is_not_allowed(client_a):
    assert client_a.post(REPORT_URL).status_code == 405
    assert client_a.post(download_url(2026, 3, "csv")).status_code == 405
