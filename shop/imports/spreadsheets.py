"""Reading a producer's product sheet (CSV or XLSX) into rows of text, and writing one.

Nothing here knows about products: this module turns an uploaded file into numbered rows
of cell text keyed by column, refusing the whole file (ValidationError) when it cannot be
trusted, and turns price and stock cells into whole numbers (CellError when they are not).
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from shop.partner.prices import MAX_PRICE, ungrouped
from shop.partner.stock import MAX_NUM_IN_STOCK

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_DATA_ROWS = 2000
# Columns beyond these are never read: the sheet has six.
MAX_COLUMNS = 30
# An XLSX file is a zip archive; 5 MB of it may unpack to far more. Past this it is not a product list.
MAX_XLSX_UNPACKED_SIZE = 100 * 1024 * 1024

CSV = "csv"
XLSX = "xlsx"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def normalise_heading(text):
    """A column heading reduced to what identifies it: lower case, no diacritics, letters and digits only."""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class Column:
    key: str
    vietnamese: str
    english: str
    required: bool
    other_names: tuple = ()
    accepted: frozenset = field(init=False)

    def __post_init__(self):
        names = (self.vietnamese, self.english, *self.other_names)
        object.__setattr__(self, "accepted", frozenset(normalise_heading(name) for name in names))

    @property
    def heading(self):
        """The heading in the language of the page (the headings are data the reader matches, both languages)."""
        return self.vietnamese if (get_language() or "vi").startswith("vi") else self.english


COLUMNS = (
    Column("sku", "Mã SKU", "SKU", required=True, other_names=("Mã hàng", "Mã sản phẩm")),
    Column(
        "certificate",
        "Số giấy chứng nhận",
        "Certificate number",
        required=False,
        other_names=("Số GCN", "Số giấy chứng nhận OCOP", "Giấy chứng nhận", "Certificate", "Certificate no"),
    ),
    Column("packaging", "Quy cách đóng gói", "Packaging", required=False, other_names=("Quy cách",)),
    Column("description", "Mô tả", "Description", required=False, other_names=("Mô tả sản phẩm",)),
    Column(
        "price",
        "Giá (VND)",
        "Price (VND)",
        required=True,
        other_names=("Giá", "Giá bán", "Giá bán (VND)", "Đơn giá", "Price"),
    ),
    Column(
        "stock",
        "Tồn kho",
        "Stock",
        required=True,
        other_names=("Số lượng tồn kho", "Số lượng", "Tồn", "In stock", "Quantity", "Stock level"),
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


@dataclass
class SheetRow:
    number: int  # as the spreadsheet program shows it: the first row of the file is 1
    values: dict  # column key -> cell text (stripped); only the columns the file has


@dataclass
class Sheet:
    format: str
    columns: dict  # column key -> column letter in the file ("A", "B", ...)
    rows: list


class CellError(Exception):
    """A cell that does not hold what its column needs; ``code`` and ``params`` say why (see services)."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


# --- reading ------------------------------------------------------------------------------------------------------
def _unreadable():
    return ValidationError(
        _(
            "The file could not be read: it may be damaged. Save it again from your spreadsheet program "
            "and upload it once more."
        ),
        code="unreadable",
    )


def detect_format(name, data):
    """``csv`` or ``xlsx`` from the file's name AND its content, which must agree; ValidationError otherwise."""
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    if extension not in (CSV, XLSX):
        raise ValidationError(_("Upload a CSV (.csv) or Excel (.xlsx) file."), code="format")
    if data.startswith(OLE2_SIGNATURE):
        raise ValidationError(
            _("This is an old Excel (.xls) file. Save it as Excel Workbook (.xlsx) or as CSV UTF-8 and upload that."),
            code="format",
        )
    looks_zipped = data.startswith(ZIP_SIGNATURE)
    if extension == XLSX and not looks_zipped:
        raise ValidationError(_("This file is not an Excel workbook (.xlsx), whatever its name says."), code="format")
    if extension == CSV and (looks_zipped or b"\x00" in data):
        raise ValidationError(_("This file is not a CSV text file, whatever its name says."), code="format")
    return extension


def cell_text(value):
    """The text of a cell as read from CSV or XLSX: numbers without a spurious ``.0``, never None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value).strip()
    # An apostrophe before a formula sign is our own escape (see escape_cell): the template reads back as written.
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text


def _csv_records(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The CSV file is not in UTF-8. In Excel, choose “Save as” and the type “CSV UTF-8 (Comma delimited)”."),
            code="encoding",
        ) from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise _unreadable() from None


def _xlsx_records(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise ValidationError(
                    _("This file is not an Excel workbook (.xlsx), whatever its name says."), code="format"
                )
            if sum(member.file_size for member in archive.infolist()) > MAX_XLSX_UNPACKED_SIZE:
                raise _unreadable()
    except zipfile.BadZipFile:
        raise _unreadable() from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl fails on a bad workbook in many ways; all mean "cannot read"
        raise _unreadable() from None
    try:
        if not workbook.worksheets:
            raise _unreadable()
        yield from workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
    finally:
        workbook.close()


def _map_columns(headings):
    """Column key -> index in the row, from the heading row; ValidationError for a repeated or missing column."""
    positions = {}
    for index, heading in enumerate(headings):
        normalised = normalise_heading(heading)
        column = next((column for column in COLUMNS if normalised in column.accepted), None)
        if column is None:
            continue  # a column of the producer's own, e.g. notes: ignored
        if column.key in positions:
            raise ValidationError(
                _("The column “%(column)s” appears twice in the first row.") % {"column": column.heading},
                code="duplicate_column",
            )
        positions[column.key] = index
    missing = [column.heading for column in COLUMNS if column.required and column.key not in positions]
    if missing:
        raise ValidationError(
            ngettext(
                "The column “%(columns)s” is missing. The first row must name the columns, as in the template.",
                "The columns “%(columns)s” are missing. The first row must name the columns, as in the template.",
                len(missing),
            )
            % {"columns": "”, “".join(missing)},
            code="missing_column",
        )
    return positions


def read_sheet(name, data):
    """The rows of an uploaded product sheet, or ValidationError saying why the whole file is refused.

    ``data`` is the file's content (bytes). Empty rows are skipped; rows keep their number in the file.
    """
    if len(data) > MAX_FILE_SIZE:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_FILE_SIZE // (1024 * 1024)}, code="too_big"
        )
    file_format = detect_format(name, data)
    records = _csv_records(data) if file_format == CSV else _xlsx_records(data)
    positions = None
    rows = []
    try:
        for number, record in enumerate(records, start=1):
            if not any(record) and 0 not in record:
                continue  # cheaply: a sheet may hold a million empty rows before one far-off cell
            texts = [cell_text(value) for value in record[:MAX_COLUMNS]]
            if not any(texts):
                continue
            if positions is None:
                positions = _map_columns(texts)
                continue
            if len(rows) == MAX_DATA_ROWS:
                raise ValidationError(
                    _("The file has more than %(limit)s product rows. Split it into several files.")
                    % {"limit": MAX_DATA_ROWS},
                    code="too_many_rows",
                )
            values = {key: texts[index] if index < len(texts) else "" for key, index in positions.items()}
            rows.append(SheetRow(number=number, values=values))
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 — a damaged file can fail anywhere while it is read
        raise _unreadable() from None
    if positions is None:
        raise ValidationError(_("The file is empty."), code="empty")
    if not rows:
        raise ValidationError(_("The file has column headings but no product rows."), code="no_rows")
    columns = {key: get_column_letter(index + 1) for key, index in positions.items()}
    return Sheet(format=file_format, columns=columns, rows=rows)


# --- numbers ------------------------------------------------------------------------------------------------------
_PLAIN_NUMBER = re.compile(r"\d+")
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")


def _whole_number(text):
    """A whole number written plainly or with thousands grouped by dots, commas or spaces; None otherwise."""
    compact = re.sub(r"\s+", "", text)
    if _PLAIN_NUMBER.fullmatch(compact):
        return int(compact)
    if _GROUPED_NUMBER.fullmatch(compact):
        return int(re.sub(r"[.,]", "", compact))
    return None


def parse_price(text):
    """A price cell as whole VND: "250000", "250.000", "250,000", "250 000 ₫", "250000đ" are all 250000."""
    compact = ungrouped(text)
    negative = compact.startswith("-")
    digits = ungrouped(compact[1:]) if negative else compact
    if not (digits.isascii() and digits.isdigit()):
        raise CellError("price_invalid", value=text)
    if negative:
        raise CellError("price_negative")
    price = int(digits)
    if price == 0:
        raise CellError("price_zero")
    if price > MAX_PRICE:
        raise CellError("too_large")
    return price


def parse_stock(text):
    """A stock cell: a whole number of units, 0 or more."""
    compact = re.sub(r"\s+", "", text)
    if compact.startswith("-") and _whole_number(compact[1:]) is not None:
        raise CellError("stock_negative")
    stock = _whole_number(compact)
    if stock is None:
        raise CellError("stock_invalid", value=text)
    if stock > MAX_NUM_IN_STOCK:
        raise CellError("too_large")
    return stock


# --- writing ------------------------------------------------------------------------------------------------------
def escape_cell(value):
    """A cell value safe to open in a spreadsheet program: text that would run as a formula gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(headings, rows):
    """UTF-8 CSV with a byte-order mark, so that Excel shows Vietnamese correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(heading) for heading in headings])
    for row in rows:
        writer.writerow(["" if value is None else escape_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(headings, rows, title):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([escape_cell(heading) for heading in headings])
    for row in rows:
        sheet.append([escape_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
