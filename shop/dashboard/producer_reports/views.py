from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView, View

from shop.dashboard.access import ProducerDashboardMixin
from shop.dashboard.producer_reports.forms import MonthForm
from shop.imports.spreadsheets import XLSX_CONTENT_TYPE
from shop.order.reports import (
    ReportMonth,
    download_filename,
    last_twelve_months,
    monthly_report,
    report_csv,
    report_deadline,
    report_xlsx,
)

DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", report_csv),
    "xlsx": (XLSX_CONTENT_TYPE, report_xlsx),
}

CHART_WIDTH = 720
CHART_SLOT = CHART_WIDTH / 12
CHART_BAR = 36
CHART_TOP = 16
CHART_PLOT_HEIGHT = 200
CHART_HEIGHT = CHART_TOP + CHART_PLOT_HEIGHT + 28


def revenue_chart(points, selected):
    """The geometry of a bar chart of the points' revenue, as strings ready for SVG attributes."""
    highest = max((point.revenue for point in points), default=0)
    bars = []
    for index, point in enumerate(points):
        height = float(point.revenue / highest) * CHART_PLOT_HEIGHT if highest else 0.0
        slot_left = index * CHART_SLOT
        bars.append(
            {
                "point": point,
                "first_day": point.report_month.first_day,
                "is_selected": point.report_month == selected,
                "x": f"{slot_left + (CHART_SLOT - CHART_BAR) / 2:.1f}",
                "y": f"{CHART_TOP + CHART_PLOT_HEIGHT - height:.1f}",
                "width": str(CHART_BAR),
                "height": f"{height:.1f}",
                "label_x": f"{slot_left + CHART_SLOT / 2:.1f}",
                "label_y": str(CHART_TOP + CHART_PLOT_HEIGHT + 18),
            }
        )
    return {
        "bars": bars,
        "highest": highest,
        "width": str(CHART_WIDTH),
        "height": str(CHART_HEIGHT),
        "baseline_y": str(CHART_TOP + CHART_PLOT_HEIGHT),
    }


class MonthlyReportView(ProducerDashboardMixin, TemplateView):
    """The producer's sales of one month (``?month=YYYY-MM``, this month by default) and of the last 12 months."""

    template_name = "oscar/dashboard/producer_reports/report.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        current = ReportMonth.current()
        report_month = current
        if "month" in self.request.GET:
            form = MonthForm(self.request.GET)
            if form.is_valid():
                report_month = form.cleaned_data["month"]
        else:
            form = MonthForm(initial={"month": str(current)})
        points = last_twelve_months(self.producer, report_month)
        ctx.update(
            {
                "producer": self.producer,
                "form": form,
                "month_is_invalid": form.is_bound and not form.is_valid(),
                "report_month": report_month,
                "month_first_day": report_month.first_day,
                "report": monthly_report(self.producer, report_month.year, report_month.month),
                "chart": revenue_chart(points, report_month),
                "deadline": report_deadline(report_month),
                "previous_month": report_month.previous(),
                "next_month": report_month.shifted(1) if report_month < current else None,
                "downloads": [
                    (
                        fmt.upper(),
                        reverse(
                            "dashboard:producer-report-download",
                            kwargs={"year": report_month.year, "month": report_month.month, "fmt": fmt},
                        ),
                    )
                    for fmt in DOWNLOADS
                ],
            }
        )
        return ctx


class MonthlyReportDownloadView(ProducerDashboardMixin, View):
    """The producer's report of one month as a CSV or XLSX file."""

    def get(self, request, year, month, fmt):
        if fmt not in DOWNLOADS:
            raise Http404("Unknown format")
        try:
            report_month = ReportMonth(year, month)
        except ValueError:
            raise Http404("No such month") from None
        content_type, render = DOWNLOADS[fmt]
        report = monthly_report(self.producer, report_month.year, report_month.month)
        response = HttpResponse(render(report), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{download_filename(report, fmt)}"'
        return response
