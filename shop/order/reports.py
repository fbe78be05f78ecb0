"""A producer's monthly sales report: units and revenue per product and per fulfilment channel.

The seeds ask OCOP producers to report every month; this is what the marketplace knows of their
sales. Only the producer's own order lines count (``Line.partner``), cancelled lines never, and a
month is a calendar month in the site's time zone (Asia/Ho_Chi_Minh): an order placed at 23:30 on
the 31st, local time, belongs to that month whatever UTC says.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.translation import pgettext

from catalog.models import today
from shop.imports.spreadsheets import write_csv
from shop.order.models import FulfilmentChannel, Line, LineStatus

CHANNELS = tuple(FulfilmentChannel)
REPORT_DEADLINE_DAY = 15  # the seeds ask producers to report a month's figures by the 15th of the following month


@dataclass(frozen=True, order=True)
class ReportMonth:
    """A calendar month in the site's time zone."""

    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1 to 12, not {self.month}")
        if not 1 <= self.year <= 9998:
            raise ValueError(f"year out of range: {self.year}")

    @classmethod
    def containing(cls, day):
        return cls(day.year, day.month)

    @classmethod
    def current(cls):
        return cls.containing(today())

    @classmethod
    def parse(cls, value):
        """``"2026-03"`` → ReportMonth(2026, 3); ValueError for anything else."""
        year, dash, month = (value or "").strip().partition("-")
        if not dash or len(year) != 4 or len(month) != 2 or not (year.isdigit() and month.isdigit()):
            raise ValueError(f"not a YYYY-MM month: {value!r}")
        return cls(int(year), int(month))

    def shifted(self, months):
        index = self.year * 12 + (self.month - 1) + months
        return ReportMonth(index // 12, index % 12 + 1)

    def previous(self):
        return self.shifted(-1)

    @property
    def start(self):
        """The first instant of the month, an aware datetime in the site's time zone."""
        return datetime(self.year, self.month, 1, tzinfo=timezone.get_default_timezone())

    @property
    def end(self):
        """The first instant of the next month (excluded)."""
        return self.shifted(1).start

    @property
    def first_day(self):
        return self.start.date()

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class Figures:
    units: int = 0
    revenue: Decimal = Decimal(0)

    def add(self, units, revenue):
        self.units += units or 0
        self.revenue += revenue or Decimal(0)

    @property
    def whole_revenue(self):
        """Revenue in whole đồng (VND has no minor unit)."""
        return int(self.revenue.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _figures_by_channel():
    return {channel: Figures() for channel in CHANNELS}


@dataclass
class ProductRow:
    title: str
    sku: str
    by_channel: dict = field(default_factory=_figures_by_channel)
    total: Figures = field(default_factory=Figures)

    @property
    def channel_figures(self):
        """The figures of every channel, in the order of CHANNELS."""
        return [self.by_channel[channel] for channel in CHANNELS]


@dataclass
class MonthlyReport:
    producer: object
    month: ReportMonth
    rows: list
    by_channel: dict
    total: Figures

    channels = CHANNELS

    @property
    def channel_figures(self):
        return [self.by_channel[channel] for channel in CHANNELS]

    @property
    def is_empty(self):
        return not self.rows


def counted_lines(producer):
    """The producer's own order lines that count as sales: every status but cancelled."""
    return Line.objects.filter(partner=producer).exclude(status=LineStatus.CANCELLED)


def lines_in(producer, start, end):
    return counted_lines(producer).filter(order__date_placed__gte=start, order__date_placed__lt=end)


def monthly_report(producer, year, month):
    """Units and revenue (VAT included) of ``producer``'s products in a month, per product and per channel."""
    report_month = ReportMonth(year, month)
    grouped = (
        lines_in(producer, report_month.start, report_month.end)
        .values("product_id", "product__title", "partner_sku", "upc", "title", "fulfilment_channel")
        .annotate(units=Sum("quantity"), revenue=Sum("line_price_incl_tax"))
        .order_by()
    )
    rows = {}
    by_channel = _figures_by_channel()
    total = Figures()
    for group in grouped:
        # A product deleted since the order leaves its lines without a product: they are told apart by SKU.
        key = group["product_id"] or ("sku", group["partner_sku"] or group["upc"] or group["title"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = ProductRow(
                title=group["product__title"] or group["title"],
                sku=group["partner_sku"] or group["upc"] or "",
            )
        channel = FulfilmentChannel(group["fulfilment_channel"])
        row.by_channel[channel].add(group["units"], group["revenue"])
        row.total.add(group["units"], group["revenue"])
        by_channel[channel].add(group["units"], group["revenue"])
        total.add(group["units"], group["revenue"])
    ordered = sorted(rows.values(), key=lambda row: (-row.total.revenue, row.title.casefold(), row.sku))
    return MonthlyReport(producer=producer, month=report_month, rows=ordered, by_channel=by_channel, total=total)


def month_totals(producer, report_month):
    """Units and revenue of ``producer`` in one month, all products and channels together."""
    totals = lines_in(producer, report_month.start, report_month.end).aggregate(
        units=Sum("quantity"), revenue=Sum("line_price_incl_tax")
    )
    return Figures(units=totals["units"] or 0, revenue=totals["revenue"] or Decimal(0))


def report_deadline(report_month):
    """The day by which a producer reports ``report_month``'s figures to the province."""
    following = report_month.shifted(1)
    return date(following.year, following.month, REPORT_DEADLINE_DAY)


class MonthPoint(NamedTuple):
    year: int
    month: int
    units: int
    revenue: Decimal

    @property
    def report_month(self):
        return ReportMonth(self.year, self.month)


def last_twelve_months(producer, until_month):
    """Units and revenue of each of the 12 months ending with ``until_month`` (a ReportMonth, or a date in
    that month), oldest first."""
    if not isinstance(until_month, ReportMonth):
        until_month = ReportMonth.containing(until_month)
    first = until_month.shifted(-11)
    zone = timezone.get_default_timezone()
    per_month = (
        lines_in(producer, first.start, until_month.end)
        .annotate(placed_month=TruncMonth("order__date_placed", tzinfo=zone))
        .values("placed_month")
        .annotate(units=Sum("quantity"), revenue=Sum("line_price_incl_tax"))
        .order_by()
    )
    figures = {}
    for group in per_month:
        placed = group["placed_month"]
        if placed.tzinfo is not None:
            placed = placed.astimezone(zone)
        figures[ReportMonth(placed.year, placed.month)] = (group["units"] or 0, group["revenue"] or Decimal(0))
    points = []
    for offset in range(12):
        report_month = first.shifted(offset)
        units, revenue = figures.get(report_month, (0, Decimal(0)))
        points.append(MonthPoint(report_month.year, report_month.month, units, revenue))
    return points


# --- Downloads ----------------------------------------------------------------
def table_rows(report):
    """The report as a table: the header, one row per product, the totals; numbers as int.

    Always in Vietnamese: the figures go into the producer's report to the province.
    """
    with translation.override("vi"):
        header = [pgettext("report column", "Product"), pgettext("report column", "SKU")]
        for channel in CHANNELS:
            header += [
                pgettext("report column", "%(channel)s: units") % {"channel": channel.label},
                pgettext("report column", "%(channel)s: revenue (VND)") % {"channel": channel.label},
            ]
        header += [pgettext("report column", "Total units"), pgettext("report column", "Total revenue (VND)")]
        total_label = pgettext("report column", "Total")
    rows = [header]
    for row in report.rows:
        rows.append([row.title, row.sku, *_numbers(row.channel_figures), row.total.units, row.total.whole_revenue])
    rows.append([total_label, "", *_numbers(report.channel_figures), report.total.units, report.total.whole_revenue])
    return rows


def _numbers(figures):
    cells = []
    for figure in figures:
        cells += [figure.units, figure.whole_revenue]
    return cells


def download_filename(report, extension):
    return f"bao-cao-ban-hang-{report.producer.code}-{report.month}.{extension}"


def report_csv(report):
    """UTF-8 with a byte order mark, so that Excel reads the Vietnamese letters right."""
    header, *rows = table_rows(report)
    return write_csv(header, rows)


def report_xlsx(report):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = table_rows(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(report.month)
    bold = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(max_col=2):
        for cell in row:
            if cell.data_type == "f":  # a title such as "=cmd|..." stays text, never a formula
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = bold
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in sheet.iter_rows(min_row=2, min_col=3):
        for cell in row:
            cell.number_format = "#,##0"
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 16
    for column in sheet.iter_cols(min_col=3, max_col=sheet.max_column, max_row=1):
        sheet.column_dimensions[column[0].column_letter].width = 18
    workbook.properties.title = download_filename(report, "xlsx")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
