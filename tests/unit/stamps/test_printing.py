"""The print files of a stamp batch: the QR codes in the PDF and the ZIP hold the stamps' addresses."""

import csv
import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import cv2
import numpy
import pypdfium2
import pytest
from django.conf import settings

from shop.stamps import printing
from shop.stamps.codes import verification_url
from shop.stamps.models import StampBatch
from tests.factories import ProducerFactory, certified_product, stamp_batch

pytestmark = pytest.mark.django_db

RASTER_SCALE = 200 / 72  # 200 dpi


@pytest.fixture
def product():
    producer = ProducerFactory(name="Hợp tác xã Mật ong Hương Khê")
    return certified_product(stars=4, title="Mật ong rừng nguyên chất Vũ Quang", producer=producer)


@pytest.fixture
def private_root(tmp_path, monkeypatch):
    """The batches' print files go to a folder of the test's own: other test runs on the machine
    share PRIVATE_MEDIA_ROOT and reuse batch numbers."""
    root = tmp_path / "private"
    for field in ("pdf_file", "zip_file"):
        storage = StampBatch._meta.get_field(field).storage
        assert Path(storage.location) == Path(settings.PRIVATE_MEDIA_ROOT).resolve()
        monkeypatch.setattr(storage, "base_location", str(root))
        monkeypatch.setattr(storage, "location", str(root))
    return root


@pytest.fixture
def batch(product, private_root):
    # 40 stamps: a full page of 35 and a second page of 5.
    return stamp_batch(product, quantity=40)


def stamps_of(batch):
    """(serial, url) of the batch's stamps in serial order."""
    return [(batch.serial(number), verification_url(code)) for number, code in printing.stamp_numbers_and_codes(batch)]


DETECTORS = (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco())


def decode(image):
    """The text of the QR code in a greyscale ``image``, or None.

    Each of OpenCV's two detectors misses the odd clean code (about one in 500) as it is given;
    they read those with a wider margin, at another size, or with the other detector.
    """
    bordered = cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    for attempt in (
        image,
        bordered,
        cv2.resize(bordered, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA),
        cv2.resize(bordered, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_LINEAR),
    ):
        for detector in DETECTORS:
            text, _points, _straight = detector.detectAndDecode(attempt)
            if text:
                return text
    return None


@pytest.fixture
def pdf_document():
    documents = []

    def render(batch):
        documents.append(pypdfium2.PdfDocument(pdf_bytes(batch)))
        return documents[-1]

    yield render
    for document in documents:
        document.close()


def pdf_bytes(batch):
    buffer = io.BytesIO()
    printing.render_pdf(batch, buffer)
    return buffer.getvalue()


def zip_file(batch):
    buffer = io.BytesIO()
    printing.render_zip(batch, buffer)
    buffer.seek(0)
    return zipfile.ZipFile(buffer)


def test_every_qr_code_of_the_pdf_holds_its_stamps_address(batch, pdf_document):
    expected = stamps_of(batch)
    document = pdf_document(batch)
    assert len(document) == 2
    decoded = []
    for page_index in range(len(document)):
        image = document[page_index].render(scale=RASTER_SCALE, grayscale=True).to_numpy()
        image = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        on_page = expected[page_index * printing.STAMPS_PER_PAGE : (page_index + 1) * printing.STAMPS_PER_PAGE]
        for index in range(len(on_page)):
            left, bottom, width, height = printing.cell_rect(index)
            top = printing.PAGE_HEIGHT - bottom - height
            crop = image[
                round(top * RASTER_SCALE) : round((top + height) * RASTER_SCALE),
                round(left * RASTER_SCALE) : round((left + width) * RASTER_SCALE),
            ]
            decoded.append(decode(numpy.ascontiguousarray(crop)))
        # The cells after the last stamp of the last page are empty.
        if len(on_page) < printing.STAMPS_PER_PAGE:
            left, bottom, width, height = printing.cell_rect(len(on_page))
            top = printing.PAGE_HEIGHT - bottom - height
            crop = image[
                round(top * RASTER_SCALE) : round((top + height) * RASTER_SCALE),
                round(left * RASTER_SCALE) : round((left + width) * RASTER_SCALE),
            ]
            assert crop.min() > 200
    # In serial order, cell by cell, and so exactly the batch's addresses.
    assert decoded == [url for _serial, url in expected]
    assert set(decoded) == {verification_url(code) for code in batch.stamps.values_list("code", flat=True)}


def test_the_pdf_text_names_serials_product_producer_and_stars(batch, pdf_document):
    document = pdf_document(batch)
    pages = [document[index].get_textpage().get_text_range() for index in range(len(document))]
    text = " ".join(" ".join(page.split()) for page in pages)  # names may wrap onto two lines
    for serial, _url in stamps_of(batch):
        assert serial in text
    assert text.count("Mật ong rừng nguyên chất Vũ Quang") >= 40
    assert text.count("Hợp tác xã Mật ong Hương Khê") >= 40
    assert text.count("★★★★") >= 40
    assert "★★★★★" not in text
    # The header and footer tell a printer what the page holds.
    assert f"{batch.first_serial} – {batch.serial(batch.first_number + 34)}" in pages[0]
    assert f"{batch.serial(batch.first_number + 35)} – {batch.last_serial}" in pages[1]
    assert pages[0].count(batch.first_serial) == 3  # its stamp, the page's range and the batch's
    assert re.search(r"\b1\D+2\s*$", pages[0].strip())  # page 1 of 2
    assert re.search(r"\b2\D+2\s*$", pages[1].strip())


def test_a_long_product_name_is_shrunk_to_fit_its_stamp():
    lines, size = printing.fit_lines(
        "Nước mắm cá cơm truyền thống Cửa Sót thượng hạng đóng chai thủy tinh 500 ml",
        printing.FONT_BOLD,
        printing.TEXT_WIDTH,
        [6.5, 6, 5.5, 5],
    )
    assert size == 5
    assert 1 < len(lines) <= 2
    for line in lines:
        assert printing.pdfmetrics.stringWidth(line, printing.FONT_BOLD, size) <= printing.TEXT_WIDTH


def test_every_png_of_the_zip_decodes_to_its_stamps_address(batch):
    expected = dict(stamps_of(batch))
    archive = zip_file(batch)
    pngs = [name for name in archive.namelist() if name.startswith("png/")]
    assert sorted(pngs) == sorted(f"png/{serial}.png" for serial in expected)
    for name in pngs:
        info = archive.getinfo(name)
        assert info.compress_type == zipfile.ZIP_STORED
        image = cv2.imdecode(numpy.frombuffer(archive.read(name), numpy.uint8), cv2.IMREAD_GRAYSCALE)
        # Wide enough to print about 2 cm wide at 300 dpi.
        assert image.shape[0] == image.shape[1] >= 230
        serial = name.removeprefix("png/").removesuffix(".png")
        assert decode(image) == expected[serial]


def test_every_svg_of_the_zip_is_well_formed_and_decodes_to_its_stamps_address(batch):
    expected = dict(stamps_of(batch))
    archive = zip_file(batch)
    svgs = [name for name in archive.namelist() if name.startswith("svg/")]
    assert sorted(svgs) == sorted(f"svg/{serial}.svg" for serial in expected)
    for name in svgs:
        root = ElementTree.fromstring(archive.read(name))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        serial = name.removeprefix("svg/").removesuffix(".svg")
        assert decode(rasterize_svg(root)) == expected[serial]


RECTANGLE = re.compile(r"M(\d+) (\d+)h(\d+)v(\d+)h-\3z")


def rasterize_svg(root, scale=8):
    """Our SVGs are a white square and one path of rectangles (M x y h width v height h -width z)."""
    size = int(root.get("viewBox").split()[2])
    assert root.find("{http://www.w3.org/2000/svg}rect").get("fill") == "#fff"
    image = numpy.full((size * scale, size * scale), 255, numpy.uint8)
    path = root.find("{http://www.w3.org/2000/svg}path").get("d")
    assert RECTANGLE.sub("", path) == ""  # nothing else in the path
    for x, y, width, height in RECTANGLE.findall(path):
        x, y, width, height = int(x), int(y), int(width), int(height)
        image[y * scale : (y + height) * scale, x * scale : (x + width) * scale] = 0
    return image


def test_the_zip_lists_serials_and_addresses_in_its_csv(batch):
    archive = zip_file(batch)
    rows = list(csv.reader(io.StringIO(archive.read("stamps.csv").decode("utf-8"))))
    assert rows[0] == ["serial", "url"]
    assert [tuple(row) for row in rows[1:]] == stamps_of(batch)
    assert len(archive.namelist()) == 2 * 40 + 1


def test_the_print_files_storage_is_private():
    for field in ("pdf_file", "zip_file"):
        storage = StampBatch._meta.get_field(field).storage
        location = Path(storage.location)
        assert location == Path(settings.PRIVATE_MEDIA_ROOT).resolve()
        assert not location.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        with pytest.raises(ValueError):
            storage.url("stamps/1/HT-2026-00000001_HT-2026-00000040.pdf")


def test_print_files_are_stored_in_the_private_folder_and_replaced_on_a_second_run(batch, private_root, settings):
    printing.store_print_files(batch)
    batch.refresh_from_db()
    stem = f"stamps/{batch.pk}/{batch.first_serial}_{batch.last_serial}"
    assert batch.pdf_file.name == f"{stem}.pdf"
    assert batch.zip_file.name == f"{stem}.zip"
    for field in (batch.pdf_file, batch.zip_file):
        path = Path(field.path).resolve()
        assert path.is_relative_to(private_root)
        assert path.stat().st_size > 0
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.*"))
    first_pdf = Path(batch.pdf_file.path).read_bytes()

    # A file left over by a run that stopped half-way, and a second run.
    storage = batch.pdf_file.storage
    storage.save(f"stamps/{batch.pk}/left-over.pdf", io.BytesIO(b"%PDF-"))
    printing.store_print_files(batch)
    batch.refresh_from_db()
    assert batch.pdf_file.name == f"{stem}.pdf"
    assert batch.zip_file.name == f"{stem}.zip"
    assert sorted(storage.listdir(f"stamps/{batch.pk}")[1]) == sorted(
        [f"{batch.first_serial}_{batch.last_serial}.pdf", f"{batch.first_serial}_{batch.last_serial}.zip"]
    )
    assert Path(batch.pdf_file.path).read_bytes() == first_pdf  # the same stamps make the same file


def test_issuing_a_batch_ends_with_its_print_files_ready(product, private_root, django_capture_on_commit_callbacks):
    from shop.stamps.issuing import issue_batch
    from tests.factories import today

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = issue_batch(product=product, quantity=12, lot="LO-07", produced_on=today())
    assert len(callbacks) >= 1
    batch.refresh_from_db()
    assert batch.status == StampBatch.Status.READY
    assert batch.generated_count == batch.quantity == 12
    assert batch.stamps.count() == 12
    assert (private_root / batch.pdf_file.name).stat().st_size > 0
    with (private_root / batch.zip_file.name).open("rb") as fileobj:
        names = zipfile.ZipFile(fileobj).namelist()
    assert sorted(name for name in names if name.endswith(".png")) == sorted(
        f"png/{batch.serial(number)}.png" for number in range(batch.first_number, batch.last_number + 1)
    )
    with (private_root / batch.pdf_file.name).open("rb") as fileobj:
        document = pypdfium2.PdfDocument(fileobj.read())
    assert len(document) == 1
    document.close()


def test_the_zip_stream_writes_archives_of_more_than_65535_entries(tmp_path):
    """A full batch has 200,001 entries: past 65,535 the count goes in the ZIP64 end records."""

    path = tmp_path / "many.zip"
    with path.open("wb") as fileobj:
        archive = printing.ZipStream(fileobj, (2026, 3, 4, 5, 6, 8))
        for number in range(70_000):
            archive.add(f"png/{number}.txt", f"stamp {number}\n".encode(), compress=number % 2 == 0)
        archive.add_file("stamps.csv", io.BytesIO("Mật ong,★★★★\n".encode() * 1000))
        archive.close()
    with zipfile.ZipFile(path) as archive:
        assert len(archive.infolist()) == 70_001
        assert archive.testzip() is None  # every CRC checks
        assert archive.read("png/69999.txt") == b"stamp 69999\n"
        assert archive.getinfo("png/1.txt").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("png/2.txt").compress_type == zipfile.ZIP_DEFLATED
        assert archive.getinfo("png/2.txt").date_time == (2026, 3, 4, 5, 6, 8)
        assert archive.read("stamps.csv").decode() == "Mật ong,★★★★\n" * 1000
