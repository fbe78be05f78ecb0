"""The print files of a stamp batch: an A4 PDF that a printer puts on label stock, and a ZIP of
every stamp's QR code as PNG and SVG images (with a CSV of serials and addresses) for printers
that lay stamps out themselves.

Both files hold every code of the batch, so they live in the private storage only. They are made
in one pass over the stamps, read from the database in chunks; finished PDF pages and the ZIP's
directory wait in temporary files, so memory does not grow with the batch, except when reportlab
writes out the PDF, which it assembles in memory (some 75 MB for 100,000 stamps). For 100,000
stamps both files take about a minute and a half on one core.

They are always in the site's default language (Vietnamese): stamps go on goods sold in Vietnam.
"""

import csv
import io
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from functools import cache
from math import ceil
from pathlib import Path
from re import Match

import segno
from django.conf import settings
from django.core.files import File
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFStream
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from shop.stamps.codes import CODE_ALPHABET, CODE_LENGTH, verification_url
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
QR_SIZE = 22 * mm  # the symbol with its quiet zone: 0.6 mm a module for the 37 of a version 3 symbol
TEXT_WIDTH = CELL_WIDTH - 2 * CELL_PADDING

# The PNG images: about 2 cm wide printed at 300 dpi.
PNG_DPI = 300
PNG_TARGET_PIXELS = round(2 / 2.54 * PNG_DPI)

OCOP_GREEN = Color(0, 0.43, 0.24)
STAR_RED = Color(0.78, 0.06, 0.18)
GUIDE_GREY = Color(0.6, 0.6, 0.6)
FOOTER_GREY = Color(0.3, 0.3, 0.3)

DARK_RUN = re.compile("1+")
BITS = bytes.maketrans(b"\x00\x01", b"01")
CODE_CHARACTERS = frozenset(CODE_ALPHABET)


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
        encoder = batch_encoder()
        writers = []
        if pdf is not None:
            writers.append(PdfWriter(batch, pdf, encoder, count=batch.stamps.count()))
        if archive is not None:
            writers.append(ZipWriter(batch, archive, encoder))
        for number, code in stamp_numbers_and_codes(batch):
            serial = batch.serial(number)
            grid = encoder.grid(code)
            runs = dark_runs(grid)
            for writer in writers:
                writer.add(serial, grid, runs)
        for writer in writers:
            writer.close()


def stamp_numbers_and_codes(batch):
    return batch.stamps.values_list("number", "code").order_by("number").iterator(chunk_size=STAMP_CHUNK)


class QrEncoder:
    """QR codes (error correction M, byte mode) of ``<prefix><code><suffix>`` for stamp codes.

    segno takes about 5 ms a code, most of it trying the eight masks on a pure-Python matrix, which
    would be eight minutes for 100,000 stamps. But a QR symbol is linear in its data: the error
    correction codewords are a GF(2)-linear function of the data codewords, placement is a
    permutation, and masking and the format information are fixed patterns for a given mask. So
    the symbol of a code is the symbol of a reference code XOR, for every character that differs,
    the change that character alone makes; and the symbol with mask k is the symbol with mask 0
    XOR a pattern that does not depend on the data. segno makes the reference and those changes
    once (about 500 symbols); each code then costs a few XORs of Python integers, and the best
    mask is chosen by the penalty rules of ISO/IEC 18004 (7.8.3), computed with bit operations.

    A symbol is returned as its *grid*: a string of "1" (dark) and "0" (light) modules, row after
    row, ``stride`` modules a row, including the quiet zone.
    """

    def __init__(self, prefix, suffix=""):
        self.prefix, self.suffix = prefix, suffix
        reference = CODE_ALPHABET[0] * CODE_LENGTH
        symbol = self._segno(reference, mask=0)
        self.size = symbol.symbol_size(border=0)[0]
        self.stride = self.size + 2 * QUIET_ZONE
        self.version = symbol.version
        base = self._bits(symbol.matrix)
        self.base = base
        self.changes = [
            {
                char: base ^ self._bits(self._segno(reference[:at] + char + reference[at + 1 :], mask=0).matrix)
                for char in CODE_ALPHABET
            }
            for at in range(CODE_LENGTH)
        ]
        self.mask_changes = [base ^ self._bits(self._segno(reference, mask=mask).matrix) for mask in range(8)]
        stride, size = self.stride, self.size
        row = (1 << size) - 1
        self.area = sum(row << ((y + QUIET_ZONE) * stride + QUIET_ZONE) for y in range(size))
        self.everything = (1 << (stride * stride)) - 1
        self.modules = size * size
        self.grid_format = f"0{stride * stride}b"

    def url(self, code):
        return f"{self.prefix}{code}{self.suffix}"

    def _segno(self, code, mask=None):
        return segno.make(
            self.url(code), error=ERROR_CORRECTION, mode="byte", mask=mask, micro=False, boost_error=False
        )

    def _bits(self, matrix):
        """The symbol's dark modules as bits of an integer: module (x, y) of the grid is bit y*stride+x."""
        bits = 0
        for y, row in enumerate(matrix):
            bits |= int(bytes(row).translate(BITS)[::-1], 2) << ((y + QUIET_ZONE) * self.stride + QUIET_ZONE)
        return bits

    def symbol_bits(self, code):
        """The chosen mask and the symbol's bits for ``code``."""
        if len(code) != CODE_LENGTH or not set(code) <= CODE_CHARACTERS:
            # Not a code new_code() makes: segno encodes it whole, if it fits the batch's symbol size.
            symbol = self._segno(code)
            if symbol.symbol_size(border=0)[0] != self.size:
                raise ValueError(f"{code!r} does not fit a {self.size}x{self.size} QR code with this address.")
            return symbol.mask, self._bits(symbol.matrix)
        bits = self.base
        for changes, char in zip(self.changes, code, strict=True):
            bits ^= changes[char]
        scores = [self.penalty(bits ^ change) for change in self.mask_changes]
        mask = scores.index(min(scores))
        return mask, bits ^ self.mask_changes[mask]

    def grid(self, code):
        _mask, bits = self.symbol_bits(code)
        return format(bits, self.grid_format)[::-1]

    def penalty(self, dark):
        """The ISO/IEC 18004 penalty score (N1 + N2 + N3 + N4) of a masked symbol."""
        stride = self.stride
        light = self.area ^ dark  # light modules of the symbol, the quiet zone left out
        score = 0
        for colour in (dark, light):
            for step in (1, stride):
                # N1: 3 points for 5 modules of one colour in a row or column, 1 more for each further one.
                two = colour & (colour >> step)
                five = two & (two >> (2 * step)) & (colour >> (4 * step))
                starts = five ^ (five & (five << step))
                score += five.bit_count() + 2 * starts.bit_count()
            # N2: 3 points for each 2x2 block of one colour.
            pairs = colour & (colour >> 1)
            score += 3 * (pairs & (pairs >> stride)).bit_count()
        # N3: 40 points for each 1:1:3:1:1 pattern with 4 light modules (the quiet zone counts) on one side.
        light = self.everything ^ dark
        for step in (1, stride):
            pattern = (
                dark
                & (light >> step)
                & (dark >> (2 * step))
                & (dark >> (3 * step))
                & (dark >> (4 * step))
                & (light >> (5 * step))
                & (dark >> (6 * step))
            )
            two = light & (light >> step)
            four = two & (two >> (2 * step))
            score += 40 * (pattern & ((four >> (7 * step)) | (four << (4 * step)))).bit_count()
        # N4: 10 points for each 5 % the share of dark modules is away from half.
        score += 10 * (abs(20 * dark.bit_count() - 10 * self.modules) // self.modules)
        return score


@cache
def encoder_for(prefix, suffix):
    return QrEncoder(prefix, suffix)


def batch_encoder():
    """The encoder of the verification addresses, ``<SITE_URL>/t/<code>``."""
    sample = CODE_ALPHABET[1] * CODE_LENGTH
    prefix, _sample, suffix = verification_url(sample).rpartition(sample)
    return encoder_for(prefix, suffix)


def dark_runs(grid):
    """The (start, end) offsets in the grid of each horizontal run of dark modules, in reading order.
    Runs never cross rows: the quiet zone is light."""
    return list(map(Match.span, DARK_RUN.finditer(grid)))


class RunText(dict):
    """The text that draws a run of dark modules, from its (start, end) offsets in the grid: made once
    for each run that occurs (a few thousand, however many stamps), then looked up."""

    def __init__(self, stride, template):
        super().__init__()
        self.stride, self.template = stride, template

    def __missing__(self, span):
        start, end = span
        y, x = divmod(start, self.stride)
        text = self[span] = self.template.format(x=x, y=y, length=end - start)
        return text


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


class SpooledPageStream(PDFObject):
    """A page's compressed content, kept in a temporary file until the document is written."""

    __RefOnly__ = 1

    def __init__(self, spool, offset, length):
        self.spool, self.offset, self.length = spool, offset, length

    def format(self, document):
        self.spool.seek(self.offset)
        content = self.spool.read(self.length)
        return PDFStream(PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])}), content).format(document)


class SpoolingCanvas(Canvas):
    """A canvas that compresses each page's content as the page is finished and keeps it on disk.

    reportlab keeps every page's drawing operators as text until it writes the file: for 100,000
    stamps, hundreds of megabytes. Here they are compressed (a FlateDecode stream, as reportlab
    would write it) into a temporary file, and read back one at a time as reportlab writes the
    document (which it still assembles in memory: about twice the size of the PDF at its peak).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._spool = tempfile.TemporaryFile()

    def showPage(self):
        super().showPage()
        page = self._doc.Pages.pages[-1]
        content = zlib.compress(page.stream.encode("utf-8") if isinstance(page.stream, str) else page.stream, 6)
        self._spool.seek(0, io.SEEK_END)
        page.Contents = SpooledPageStream(self._spool, self._spool.tell(), len(content))
        self._spool.write(content)
        page.stream = None

    def save(self):
        try:
            super().save()
        finally:
            self._spool.close()


class PdfWriter:
    """The A4 pages: a grid of stamps with cut guides, a header and a footer line on each page.

    What every stamp of the batch shares (the OCOP mark and stars, product and producer) is drawn
    once, as a form that each stamp places; a stamp adds its QR code and its serial.
    """

    FORM = "stamp"

    def __init__(self, batch, fileobj, encoder, count):
        register_fonts()
        self.batch = batch
        self.count = count
        self.pages = max(1, ceil(count / STAMPS_PER_PAGE))
        self.module = QR_SIZE / encoder.stride
        self.run_text = RunText(encoder.stride, "{x} {y} {length} 1 re")
        self.canvas = SpoolingCanvas(fileobj, pagesize=A4, invariant=1)
        self.canvas.setTitle(_("Traceability stamps %(first)s – %(last)s") % self._range())
        self.canvas.setAuthor(batch.producer.name)
        self.canvas.setCreator(settings.OSCAR_SHOP_NAME)
        self.index = 0
        self.page_serials = []
        product = batch.certificate.product_name or batch.product.get_title()
        self.header = f"{product} · {batch.producer.name}"
        self.serial_y = self._draw_form(product)

    def _range(self):
        return {"first": self.batch.first_serial, "last": self.batch.last_serial}

    def _draw_form(self, product):
        """The shared part of a stamp, in a cell whose top-left corner is the origin. Returns the
        baseline of the serial, which each stamp writes between the QR code and the product name."""
        canvas = self.canvas
        centre = CELL_WIDTH / 2
        stars = "★" * self.batch.certificate.stars
        product_lines, product_size = fit_lines(product, FONT_BOLD, TEXT_WIDTH, [6.5, 6, 5.5, 5])
        producer, producer_size = fit_text(self.batch.producer.name, FONT, TEXT_WIDTH, [5.5, 5, 4.5])
        canvas.beginForm(self.FORM, lowerx=0, lowery=-CELL_HEIGHT, upperx=CELL_WIDTH, uppery=0)
        # The OCOP mark and the product's stars.
        badge_width, badge_height = 9.5 * mm, 3.4 * mm
        mark_left = centre - (badge_width + 1 * mm + pdfmetrics.stringWidth(stars, FONT, 8)) / 2
        badge_bottom = -CELL_PADDING - badge_height
        canvas.setFillColor(OCOP_GREEN)
        canvas.roundRect(mark_left, badge_bottom, badge_width, badge_height, 0.8 * mm, stroke=0, fill=1)
        canvas.setFillColor(white)
        canvas.setFont(FONT_BOLD, 7)
        canvas.drawCentredString(mark_left + badge_width / 2, badge_bottom + 0.95 * mm, "OCOP")
        canvas.setFillColor(STAR_RED)
        canvas.setFont(FONT, 8)
        canvas.drawString(mark_left + badge_width + 1 * mm, badge_bottom + 0.7 * mm, stars)
        # The QR code goes below the mark, the serial below the QR code; then product and producer.
        self.qr_top = badge_bottom - 0.6 * mm
        serial_y = self.qr_top - QR_SIZE - 2.6 * mm
        y = serial_y
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(FONT_BOLD, product_size)
        for line in product_lines:
            y -= product_size * 1.15
            canvas.drawCentredString(centre, y, line)
        canvas.setFont(FONT, producer_size)
        canvas.drawCentredString(centre, y - producer_size * 1.25, producer)
        canvas.endForm()
        return serial_y

    def add(self, serial, grid, runs):
        left, bottom, _width, height = cell_rect(self.index)
        canvas = self.canvas
        top = bottom + height
        canvas.saveState()
        canvas.translate(left, top)
        canvas.doForm(self.FORM)
        canvas.restoreState()
        self._draw_qr(left + (CELL_WIDTH - QR_SIZE) / 2, top + self.qr_top, runs)
        canvas.setFont(FONT_BOLD, 7)
        canvas.drawCentredString(left + CELL_WIDTH / 2, top + self.serial_y, serial)
        self.page_serials.append(serial)
        self.index += 1
        if self.index % STAMPS_PER_PAGE == 0:
            self._finish_page()

    def _draw_qr(self, left, top, runs):
        """The symbol, quiet zone included, as one filled path: a rectangle for each run of dark modules."""
        module = self.module
        # Module coordinates: x to the right and y downwards from the top-left corner of the quiet zone.
        start = f"q 0 g {module:.5f} 0 0 {-module:.5f} {left:.3f} {top:.3f} cm\n"
        self.canvas.addLiteral(start + "\n".join(map(self.run_text.__getitem__, runs)) + "\nf Q")

    def close(self):
        if self.page_serials or self.index == 0:
            self._finish_page()
        self.canvas.save()

    def _finish_page(self):
        canvas = self.canvas
        page = canvas.getPageNumber()
        used_rows = ceil(len(self.page_serials) / COLUMNS)
        if used_rows:
            # Cut guides around the cells in use.
            canvas.saveState()
            canvas.setStrokeColor(GUIDE_GREY)
            canvas.setLineWidth(0.25)
            canvas.setDash(1.5, 1.5)
            top = PAGE_HEIGHT - MARGIN_Y
            bottom = top - used_rows * CELL_HEIGHT
            right = PAGE_WIDTH - MARGIN_X
            lines = [(MARGIN_X + c * CELL_WIDTH, bottom, MARGIN_X + c * CELL_WIDTH, top) for c in range(COLUMNS + 1)]
            lines += [(MARGIN_X, top - r * CELL_HEIGHT, right, top - r * CELL_HEIGHT) for r in range(used_rows + 1)]
            canvas.lines(lines)
            canvas.restoreState()
        # Header: the product and the serials on this page. Footer: the batch, its lot, the page.
        canvas.setFillColor(FOOTER_GREY)
        header_y = PAGE_HEIGHT - MARGIN_Y + 4 * mm
        footer_y = MARGIN_Y - 6 * mm
        header_width = PAGE_WIDTH - 2 * MARGIN_X
        canvas.setFont(FONT_BOLD, 8)
        if self.page_serials:
            page_range = f"{self.page_serials[0]} – {self.page_serials[-1]}"
            canvas.drawRightString(PAGE_WIDTH - MARGIN_X, header_y, page_range)
            header_width -= pdfmetrics.stringWidth(page_range, FONT_BOLD, 8) + 6 * mm
        header, size = fit_text(self.header, FONT_BOLD, header_width, [8, 7.5, 7])
        canvas.setFont(FONT_BOLD, size)
        canvas.drawString(MARGIN_X, header_y, header)
        canvas.setFont(FONT, 7)
        footer = _("Batch %(first)s – %(last)s · lot %(lot)s · %(count)s stamps · cut along the grey lines") % {
            **self._range(),
            "lot": self.batch.lot,
            "count": formats.number_format(self.count, force_grouping=True),
        }
        canvas.drawString(MARGIN_X, footer_y, footer)
        page_of = _("Page %(page)s of %(pages)s") % {"page": page, "pages": self.pages}
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, footer_y, page_of)
        canvas.showPage()
        self.page_serials = []


class ZipWriter:
    """png/<serial>.png and svg/<serial>.svg for every stamp, and stamps.csv (serial, url)."""

    def __init__(self, batch, fileobj, encoder):
        self.batch = batch
        self.encoder = encoder
        self.zip = ZipStream(fileobj, timezone.localtime(batch.issued_at).timetuple()[:6])
        self.png = PngMaker(encoder.stride, ceil(PNG_TARGET_PIXELS / encoder.stride))
        self.svg = SvgMaker(encoder.stride)

    def add(self, serial, grid, runs):
        # PNG data is compressed already: stored as it is.
        self.zip.add(f"png/{serial}.png", self.png.image(grid), compress=False)
        self.zip.add(f"svg/{serial}.svg", self.svg.image(runs))

    def close(self):
        with tempfile.TemporaryFile() as spool:
            text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow(["serial", "url"])
            for number, code in stamp_numbers_and_codes(self.batch):
                writer.writerow([self.batch.serial(number), self.encoder.url(code)])
            text.flush()
            spool.seek(0)
            self.zip.add_file("stamps.csv", spool)
            text.detach()
        self.zip.close()


class ZipStream:
    """A ZIP archive written straight to a file, entry after entry.

    zipfile keeps an object for every entry until it closes, some 400 bytes each: 80 MB for the
    200,000 images of a batch of 100,000 stamps. Here each entry's central directory record is
    packed into a temporary file as the entry is written, and copied after the last one. Past
    65,535 entries the ZIP64 end records carry the count (every current unzip tool reads them).
    """

    LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
    CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")
    ZIP64_END = struct.Struct("<IQHHIIQQQQ")
    ZIP64_LOCATOR = struct.Struct("<IIQI")
    END = struct.Struct("<IHHHHIIH")
    VERSION = 20  # 2.0: deflate
    VERSION_ZIP64 = 45
    MADE_ON_UNIX = 3 << 8
    FILE_MODE = 0o100644 << 16
    LIMIT = 0xFFFFFFFF

    def __init__(self, fileobj, date_time):
        self.fileobj = fileobj
        self.offset = 0
        self.count = 0
        self.directory = tempfile.TemporaryFile()
        year, month, day, hour, minute, second = date_time
        self.dos_time = (hour << 11) | (minute << 5) | (second // 2)
        self.dos_date = ((max(year, 1980) - 1980) << 9) | (month << 5) | day

    def add(self, name, data, compress=True):
        crc = zlib.crc32(data)
        if compress:
            deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = deflate.compress(data) + deflate.flush()
        else:
            packed = data
        self._header(name, compress, crc, len(packed), len(data))
        self._write(packed)

    def add_file(self, name, source, chunk=1 << 20):
        """An entry from a binary file, compressed through a temporary file (its size comes first)."""
        crc = size = 0
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        with tempfile.TemporaryFile() as packed:
            while data := source.read(chunk):
                crc = zlib.crc32(data, crc)
                size += len(data)
                packed.write(deflate.compress(data))
            packed.write(deflate.flush())
            packed_size = packed.tell()
            packed.seek(0)
            self._header(name, True, crc, packed_size, size)
            shutil.copyfileobj(packed, self.fileobj)
            self.offset += packed_size

    def _write(self, data):
        self.fileobj.write(data)
        self.offset += len(data)

    def _header(self, name, compressed, crc, packed_size, size):
        if self.offset > self.LIMIT or packed_size > self.LIMIT or size > self.LIMIT:
            raise ValueError("Stamp archives stay under 4 GiB: 100,000 stamps take about 160 MB.")
        filename = name.encode("utf-8")
        method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
        flags = 0x800  # names in UTF-8
        common = (flags, method, self.dos_time, self.dos_date, crc, packed_size, size, len(filename))
        self.directory.write(
            self.CENTRAL_HEADER.pack(
                0x02014B50,
                self.MADE_ON_UNIX | self.VERSION,
                self.VERSION,
                *common,
                0,
                0,
                0,
                0,
                self.FILE_MODE,
                self.offset,
            )
            + filename
        )
        self._write(self.LOCAL_HEADER.pack(0x04034B50, self.VERSION, *common, 0) + filename)
        self.count += 1

    def close(self):
        start = self.offset
        self.directory.seek(0)
        shutil.copyfileobj(self.directory, self.fileobj)
        size = self.directory.tell()
        self.offset += size
        self.directory.close()
        count = self.count
        if count > 0xFFFF or start > self.LIMIT or size > self.LIMIT:
            end64 = self.offset
            self._write(
                self.ZIP64_END.pack(
                    0x06064B50,
                    44,
                    self.MADE_ON_UNIX | self.VERSION_ZIP64,
                    self.VERSION_ZIP64,
                    0,
                    0,
                    count,
                    count,
                    size,
                    start,
                )
            )
            self._write(self.ZIP64_LOCATOR.pack(0x07064B50, 0, end64, 1))
            count, size, start = min(count, 0xFFFF), min(size, self.LIMIT), min(start, self.LIMIT)
        self._write(self.END.pack(0x06054B50, 0, 0, count, count, size, start, 0))


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class PngMaker:
    """1-bit greyscale PNGs of symbol grids, ``scale`` pixels a module, with their print resolution."""

    def __init__(self, stride, scale, dpi=PNG_DPI):
        self.stride, self.scale = stride, scale
        self.pixels = stride * scale
        self.row_bytes = (self.pixels + 7) // 8
        self.padding = "1" * (self.row_bytes * 8 - self.pixels)
        # A dark module is scale black pixels (0 bits), a light one scale white ones.
        self.pixel_bits = str.maketrans({"1": "0" * scale, "0": "1" * scale})
        pixels_per_metre = round(dpi / 0.0254)
        self.head = (
            b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", self.pixels, self.pixels, 1, 0, 0, 0, 0))
            + _png_chunk(b"pHYs", struct.pack(">IIB", pixels_per_metre, pixels_per_metre, 1))
        )
        self.tail = _png_chunk(b"IEND", b"")

    def image(self, grid):
        stride = self.stride
        # Each line starts with its filter type: 0 (none) for a module's first line of pixels, 2 (up:
        # the same as the line above, all zeros) for the others.
        repeat = (b"\x02" + bytes(self.row_bytes)) * (self.scale - 1)
        lines = []
        for y in range(stride):
            bits = grid[y * stride : (y + 1) * stride].translate(self.pixel_bits) + self.padding
            lines.append(b"\x00" + int(bits, 2).to_bytes(self.row_bytes, "big") + repeat)
        return self.head + _png_chunk(b"IDAT", zlib.compress(b"".join(lines), 1)) + self.tail


class SvgMaker:
    """SVGs of symbols with their quiet zone, ``size_mm`` millimetres wide: a white square and one
    path, a rectangle for each run of dark modules."""

    def __init__(self, stride, size_mm=20):
        self.run_text = RunText(stride, "M{x} {y}h{length}v1h-{length}z")
        self.head = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_mm}mm" height="{size_mm}mm" '
            f'viewBox="0 0 {stride} {stride}" shape-rendering="crispEdges">'
            f'<rect width="{stride}" height="{stride}" fill="#fff"/><path fill="#000" d="'
        ).encode()
        self.tail = b'"/></svg>\n'

    def image(self, runs):
        return self.head + "".join(map(self.run_text.__getitem__, runs)).encode() + self.tail
