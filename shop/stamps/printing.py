"""The print files of a stamp batch: an A4 PDF that a printer puts on label stock, and a ZIP of
every stamp's QR code as PNG and SVG images (with a CSV of serials and addresses) for printers
that lay stamps out themselves.

Both files hold every code of the batch, so they live in the private storage only. They are made
in one pass over the stamps, which are read in chunks so that memory stays flat for 100,000 stamps.
"""

import csv
import io
import re
import struct
import tempfile
import zipfile
import zlib
from functools import cache
from math import ceil
from pathlib import Path

import segno
from django.conf import settings
from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from shop.stamps.codes import verification_url
from shop.stamps.models import StampBatch

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

QUIET_ZONE = 4  # light modules around a QR code, as ISO/IEC 18004 asks
ERROR_CORRECTION = "m"
STAMP_CHUNK = 2_000  # stamps read from the database at a time

# The PDF: an A4 page holds a grid of COLUMNS x ROWS stamps between a header and a footer line.
PAGE_WIDTH, PAGE_HEIGHT = A4
COLUMNS = 5
ROWS = 7
STAMPS_PER_PAGE = COLUMNS * ROWS
MARGIN_X = 10 * mm
MARGIN_Y = 12 * mm
CELL_WIDTH = (PAGE_WIDTH - 2 * MARGIN_X) / COLUMNS  # 38 mm
CELL_HEIGHT = (PAGE_HEIGHT - 2 * MARGIN_Y) / ROWS  # 39 mm
CELL_PADDING = 1.5 * mm
QR_SIZE = 21 * mm  # the symbol with its quiet zone
TEXT_WIDTH = CELL_WIDTH - 2 * CELL_PADDING

# The PNG images: about 2 cm wide printed at 300 dpi.
PNG_DPI = 300
PNG_TARGET_PIXELS = round(2 / 2.54 * PNG_DPI)

OCOP_GREEN = Color(0, 0.43, 0.24)
STAR_RED = Color(0.78, 0.06, 0.18)
GUIDE_GREY = Color(0.6, 0.6, 0.6)
FOOTER_GREY = Color(0.3, 0.3, 0.3)

DARK_RUN = re.compile(rb"\x01+")


@cache
def register_fonts():
    """DejaVu Sans (bundled, with its licence, in fonts/): it has every Vietnamese letter and the ★."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def file_stem(batch):
    return f"stamps/{batch.pk}/{batch.first_serial}_{batch.last_serial}"


def store_print_files(batch):
    """Render the batch's PDF and ZIP into the private storage and record them on the batch.

    Safe to run again: the files of an earlier run are replaced, and nothing else is left in the
    batch's folder.
    """
    stem = file_stem(batch)
    storage = batch.pdf_file.storage
    with tempfile.TemporaryFile() as pdf, tempfile.TemporaryFile() as archive:
        render(batch, pdf=pdf, archive=archive)
        names = {}
        for field, fileobj, extension in (("pdf_file", pdf, "pdf"), ("zip_file", archive, "zip")):
            name = f"{stem}.{extension}"
            if storage.exists(name):
                storage.delete(name)
            fileobj.seek(0)
            names[field] = storage.save(name, File(fileobj, name=name))
    old_names = {batch.pdf_file.name, batch.zip_file.name} - set(names.values()) - {""}
    StampBatch.objects.filter(pk=batch.pk).update(**names)
    batch.pdf_file.name, batch.zip_file.name = names["pdf_file"], names["zip_file"]
    for name in old_names:
        storage.delete(name)
    _remove_strays(storage, f"stamps/{batch.pk}", keep=set(names.values()))
    return batch


def _remove_strays(storage, folder, keep):
    """Files left in the batch's folder by an earlier run that stopped half-way."""
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        name = f"{folder}/{filename}"
        if name not in keep:
            storage.delete(name)


def render_pdf(batch, fileobj):
    """Write the batch's printable A4 PDF to ``fileobj``."""
    render(batch, pdf=fileobj)


def render_zip(batch, fileobj):
    """Write the ZIP of the batch's QR images (png/<serial>.png, svg/<serial>.svg) and stamps.csv."""
    render(batch, archive=fileobj)


def render(batch, *, pdf=None, archive=None):
    """Write the PDF and/or the ZIP in a single pass over the stamps, encoding each QR code once."""
    with translation.override(settings.LANGUAGE_CODE):
        encoder = QrEncoder(batch)
        writers = []
        if pdf is not None:
            writers.append(PdfWriter(batch, pdf, count=batch.stamps.count()))
        if archive is not None:
            writers.append(ZipWriter(batch, archive, encoder))
        for number, code in stamp_numbers_and_codes(batch):
            serial = batch.serial(number)
            rows = encoder.matrix(code)
            for writer in writers:
                writer.add(serial, rows)
        for writer in writers:
            writer.close()


def stamp_numbers_and_codes(batch):
    return batch.stamps.values_list("number", "code").order_by("number").iterator(chunk_size=STAMP_CHUNK)


class QrEncoder:
    """QR codes (error correction M) of the verification addresses of a batch's stamps."""

    def __init__(self, batch):
        self.batch = batch

    def url(self, code):
        return verification_url(code)

    def matrix(self, code):
        """The symbol's dark (1) and light (0) modules, row by row, without the quiet zone."""
        qr = segno.make(self.url(code), error=ERROR_CORRECTION, micro=False, boost_error=False)
        return [bytes(row) for row in qr.matrix]


def dark_runs(rows):
    """(x, y, length) of every horizontal run of dark modules."""
    for y, row in enumerate(rows):
        for match in DARK_RUN.finditer(row):
            yield match.start(), y, match.end() - match.start()


def fit_text(text, font, width, sizes):
    """The largest of ``sizes`` at which ``text`` fits ``width``; at the smallest, the text is cut
    short with an ellipsis. Returns (text, size)."""
    for size in sizes:
        if pdfmetrics.stringWidth(text, font, size) <= width:
            return text, size
    size = sizes[-1]
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…", size


def fit_lines(text, font, width, sizes, max_lines=2):
    """``text`` on one line at the largest size that fits, else wrapped on up to ``max_lines`` lines
    at the smallest size (the last one cut short if need be). Returns (lines, size)."""
    for size in sizes:
        if pdfmetrics.stringWidth(text, font, size) <= width:
            return [text], size
    size = sizes[-1]
    lines, words = [], text.split()
    while words and len(lines) < max_lines - 1:
        line = words.pop(0)
        while words and pdfmetrics.stringWidth(f"{line} {words[0]}", font, size) <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(fit_text(line, font, width, [size])[0])
    if words:
        lines.append(fit_text(" ".join(words), font, width, [size])[0])
    return lines, size


def cell_rect(index):
    """(left, bottom, width, height) in points of the ``index``-th stamp's cell on its page."""
    row, column = divmod(index % STAMPS_PER_PAGE, COLUMNS)
    left = MARGIN_X + column * CELL_WIDTH
    bottom = PAGE_HEIGHT - MARGIN_Y - (row + 1) * CELL_HEIGHT
    return left, bottom, CELL_WIDTH, CELL_HEIGHT


class PdfWriter:
    """The A4 pages: a grid of stamps with cut guides, a header and a footer line on each page."""

    def __init__(self, batch, fileobj, count):
        register_fonts()
        self.batch = batch
        self.count = count
        self.pages = max(1, ceil(count / STAMPS_PER_PAGE))
        self.canvas = Canvas(fileobj, pagesize=A4, pageCompression=1, invariant=1)
        self.canvas.setTitle(_("Traceability stamps %(first)s – %(last)s") % self._range(batch))
        self.canvas.setAuthor(batch.producer.name)
        self.canvas.setCreator(settings.OSCAR_SHOP_NAME)
        self.index = 0
        self.page_serials = []
        product = batch.certificate.product_name or batch.product.get_title()
        self.product_lines, self.product_size = fit_lines(product, FONT_BOLD, TEXT_WIDTH, [6.5, 6, 5.5, 5])
        self.producer_text, self.producer_size = fit_text(batch.producer.name, FONT, TEXT_WIDTH, [5.5, 5, 4.5])
        self.stars = "★" * batch.certificate.stars
        self.header = f"{product} · {batch.producer.name}"

    @staticmethod
    def _range(batch):
        return {"first": batch.first_serial, "last": batch.last_serial}

    def add(self, serial, rows):
        left, bottom, width, height = cell_rect(self.index)
        self._draw_stamp(left, bottom + height, serial, rows)
        self.page_serials.append(serial)
        self.index += 1
        if self.index % STAMPS_PER_PAGE == 0:
            self._finish_page()

    def close(self):
        if self.page_serials or self.index == 0:
            self._finish_page()
        self.canvas.save()

    def _draw_stamp(self, left, top, serial, rows):
        canvas = self.canvas
        centre = left + CELL_WIDTH / 2
        # The OCOP mark and the product's stars.
        badge_width, badge_height = 9.5 * mm, 3.4 * mm
        stars_width = pdfmetrics.stringWidth(self.stars, FONT, 8)
        mark_left = centre - (badge_width + 1 * mm + stars_width) / 2
        badge_bottom = top - CELL_PADDING - badge_height
        canvas.setFillColor(OCOP_GREEN)
        canvas.roundRect(mark_left, badge_bottom, badge_width, badge_height, 0.8 * mm, stroke=0, fill=1)
        canvas.setFillColor(white)
        canvas.setFont(FONT_BOLD, 7)
        canvas.drawCentredString(mark_left + badge_width / 2, badge_bottom + 0.95 * mm, "OCOP")
        canvas.setFillColor(STAR_RED)
        canvas.setFont(FONT, 8)
        canvas.drawString(mark_left + badge_width + 1 * mm, badge_bottom + 0.7 * mm, self.stars)
        # The QR code.
        qr_top = badge_bottom - 0.6 * mm
        self._draw_qr(centre - QR_SIZE / 2, qr_top - QR_SIZE, rows)
        # Serial, product and producer.
        canvas.setFillColorRGB(0, 0, 0)
        y = qr_top - QR_SIZE - 2.6 * mm
        canvas.setFont(FONT_BOLD, 7)
        canvas.drawCentredString(centre, y, serial)
        canvas.setFont(FONT_BOLD, self.product_size)
        for line in self.product_lines:
            y -= self.product_size * 1.15
            canvas.drawCentredString(centre, y, line)
        canvas.setFont(FONT, self.producer_size)
        y -= self.producer_size * 1.25
        canvas.drawCentredString(centre, y, self.producer_text)

    def _draw_qr(self, left, bottom, rows):
        """The symbol as one filled path: a rectangle for each horizontal run of dark modules."""
        size = len(rows)
        module = QR_SIZE / (size + 2 * QUIET_ZONE)
        origin_x = left + QUIET_ZONE * module
        origin_y = bottom + (QUIET_ZONE + size) * module
        # Module coordinates: x to the right, y downwards from the symbol's top-left corner.
        parts = [f"q 0 g {module:.4f} 0 0 {-module:.4f} {origin_x:.3f} {origin_y:.3f} cm"]
        parts.extend(f"{x} {y} {length} 1 re" for x, y, length in dark_runs(rows))
        parts.append("f Q")
        self.canvas.addLiteral("\n".join(parts))

    def _finish_page(self):
        canvas = self.canvas
        page = self.canvas.getPageNumber()
        used_rows = ceil(len(self.page_serials) / COLUMNS) if self.page_serials else 0
        # Cut guides between the cells in use.
        if used_rows:
            canvas.saveState()
            canvas.setStrokeColor(GUIDE_GREY)
            canvas.setLineWidth(0.25)
            canvas.setDash(1.5, 1.5)
            top = PAGE_HEIGHT - MARGIN_Y
            bottom = top - used_rows * CELL_HEIGHT
            lines = [(MARGIN_X + c * CELL_WIDTH, bottom, MARGIN_X + c * CELL_WIDTH, top) for c in range(COLUMNS + 1)]
            lines += [
                (MARGIN_X, top - r * CELL_HEIGHT, PAGE_WIDTH - MARGIN_X, top - r * CELL_HEIGHT)
                for r in range(used_rows + 1)
            ]
            canvas.lines(lines)
            canvas.restoreState()
        # Header: the product and the serials on this page; footer: the batch, its lot and the page.
        canvas.setFillColor(FOOTER_GREY)
        header_y = PAGE_HEIGHT - MARGIN_Y + 4 * mm
        footer_y = MARGIN_Y - 6 * mm
        canvas.setFont(FONT_BOLD, 8)
        if self.page_serials:
            page_range = f"{self.page_serials[0]} – {self.page_serials[-1]}"
            canvas.drawRightString(PAGE_WIDTH - MARGIN_X, header_y, page_range)
            header_width = PAGE_WIDTH - 2 * MARGIN_X - pdfmetrics.stringWidth(page_range, FONT_BOLD, 8) - 6 * mm
        else:
            header_width = PAGE_WIDTH - 2 * MARGIN_X
        canvas.drawString(MARGIN_X, header_y, fit_text(self.header, FONT_BOLD, header_width, [8, 7])[0])
        canvas.setFont(FONT, 7)
        footer = _("Batch %(first)s – %(last)s · lot %(lot)s · %(count)s stamps · cut along the grey lines") % {
            **self._range(self.batch),
            "lot": self.batch.lot,
            "count": f"{self.count:,}".replace(",", "."),
        }
        canvas.drawString(MARGIN_X, footer_y, footer)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN_X, footer_y, _("Page %(page)s of %(pages)s") % {"page": page, "pages": self.pages}
        )
        canvas.showPage()
        self.page_serials = []


class ZipWriter:
    """png/<serial>.png and svg/<serial>.svg for every stamp, and stamps.csv (serial, url)."""

    def __init__(self, batch, fileobj, encoder):
        self.batch = batch
        self.encoder = encoder
        self.zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.date_time = timezone.localtime(batch.issued_at).timetuple()[:6]
        self.scale = None

    def _write(self, name, data, compress_type):
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = compress_type
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, data)

    def add(self, serial, rows):
        if self.scale is None:
            self.scale = ceil(PNG_TARGET_PIXELS / (len(rows) + 2 * QUIET_ZONE))
        # PNG data is already compressed: stored as it is.
        self._write(f"png/{serial}.png", png_image(rows, self.scale), zipfile.ZIP_STORED)
        self._write(f"svg/{serial}.svg", svg_image(rows), zipfile.ZIP_DEFLATED)

    def close(self):
        info = zipfile.ZipInfo("stamps.csv", date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with self.zip.open(info, "w", force_zip64=True) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow(["serial", "url"])
            for number, code in stamp_numbers_and_codes(self.batch):
                writer.writerow([self.batch.serial(number), self.encoder.url(code)])
            text.flush()
            text.detach()
        self.zip.close()


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_image(rows, scale, dpi=PNG_DPI):
    """A 1-bit greyscale PNG of the symbol with its quiet zone, ``scale`` pixels a module."""
    modules = len(rows) + 2 * QUIET_ZONE
    pixels = modules * scale
    row_bytes = (pixels + 7) // 8
    light = "1" * (QUIET_ZONE * scale)  # a 1 bit is white
    padding = "1" * (row_bytes * 8 - pixels)
    light_line = b"\x00" + b"\xff" * row_bytes  # each line starts with its filter type, 0: none
    lines = [light_line] * (QUIET_ZONE * scale)
    for row in rows:
        bits = light + "".join(("0" if dark else "1") * scale for dark in row) + light + padding
        lines.extend([b"\x00" + int(bits, 2).to_bytes(row_bytes, "big")] * scale)
    lines.extend([light_line] * (QUIET_ZONE * scale))
    pixels_per_metre = round(dpi / 0.0254)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", struct.pack(">IIBBBBB", pixels, pixels, 1, 0, 0, 0, 0)),
            _png_chunk(b"pHYs", struct.pack(">IIB", pixels_per_metre, pixels_per_metre, 1)),
            _png_chunk(b"IDAT", zlib.compress(b"".join(lines), 9)),
            _png_chunk(b"IEND", b""),
        )
    )


def svg_image(rows, size_mm=20):
    """An SVG of the symbol with its quiet zone, ``size_mm`` millimetres wide; one path of runs."""
    modules = len(rows) + 2 * QUIET_ZONE
    path = "".join(f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h{length}v1h-{length}z" for x, y, length in dark_runs(rows))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_mm}mm" height="{size_mm}mm" '
        f'viewBox="0 0 {modules} {modules}" shape-rendering="crispEdges">'
        f'<rect width="{modules}" height="{modules}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>\n'
    ).encode()
