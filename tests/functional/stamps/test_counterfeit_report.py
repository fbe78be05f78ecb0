"""A buyer reports a suspected counterfeit from the stamp's page, with a photo or without."""

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shop.stamps.models import CounterfeitReport
from shop.stamps.scans import network_of
from tests.factories import THANH_HOA
from tests.functional.stamps.conftest import BUYER_ADDRESS, jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def remove_report_photos():
    yield
    for report in CounterfeitReport.objects.exclude(photo=""):
        report.photo.delete(save=False)


def fields(**changes):
    return {
        "province_code": THANH_HOA,
        "place": "Chợ Vườn Hoa, Thanh Hóa",
        "description": "Tem in mờ, nắp hũ khác với hũ mua ở điểm bán OCOP.",
        "contact": "",
        **changes,
    }


def phone_photo():
    """A JPEG as a phone takes it: with EXIF metadata."""
    image = Image.new("RGB", (800, 600), "saddlebrown")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2026:06:01 10:00:00"  # DateTime
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("IMG_2041.JPG", buffer.getvalue(), content_type="image/jpeg")


def test_the_form_names_the_stamp_and_proposes_its_province(english, stamp, batch):
    response = english.get(f"/t/{stamp.code}/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Report a possible counterfeit" in html
    assert f"Stamp {stamp.serial} of Mật ong rừng Hương Sơn – Hũ 500 g." in html
    assert '<option value="42" selected>Hà Tĩnh</option>' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html


def test_a_report_with_a_photo(buyer, english, stamp):
    upload = phone_photo()
    with Image.open(io.BytesIO(upload.read())) as sent:
        assert sent.getexif()[0x010F] == "PhoneMaker"
    upload.seek(0)
    response = buyer.post(f"/t/{stamp.code}/report/", fields(photo=upload, contact="0912 345 678"))
    assert response.status_code == 302
    assert response["Location"] == f"/t/{stamp.code}/report/thanks/"
    report = CounterfeitReport.objects.get()
    assert report.stamp == stamp and report.code == stamp.code
    assert report.province_code == THANH_HOA
    assert report.place == "Chợ Vườn Hoa, Thanh Hóa"
    assert report.contact == "0912 345 678"
    assert report.status == CounterfeitReport.Status.NEW
    assert report.network == network_of(BUYER_ADDRESS)
    # The photo is re-encoded without its metadata, under a random name, in the private storage only.
    path = Path(report.photo.path)
    assert path.is_relative_to(Path(django_settings.PRIVATE_MEDIA_ROOT))
    assert not path.is_relative_to(Path(django_settings.MEDIA_ROOT))
    assert report.photo.name.startswith("counterfeit-reports/") and report.photo.name.endswith(".jpg")
    assert "IMG_2041" not in report.photo.name
    with Image.open(path) as stored:
        assert stored.size == (800, 600)
        assert not stored.getexif()
    thanks = buyer.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you for your report" in thanks.content.decode()
    assert f'href="/t/{stamp.code}"' in thanks.content.decode()


def test_a_report_without_a_photo_for_an_unknown_code(english):
    response = english.get("/t/zzzzzzzzzzzzzzzz/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "zzzzzzzzzzzzzzzz" in html and "no stamp has this code." in html
    assert '<option value="" selected>Choose the province</option>' in html
    response = english.post("/t/ZZZZZZZZZZZZZZZZ/report/", fields())
    assert response.status_code == 302
    report = CounterfeitReport.objects.get()
    assert report.stamp is None and report.code == "ZZZZZZZZZZZZZZZZ"
    assert not report.photo


def test_any_text_up_to_64_characters_can_be_reported(english):
    long_text = "tem-gia-" + "x" * 100
    response = english.post(f"/t/{long_text}/report/", fields())
    assert response.status_code == 302
    assert CounterfeitReport.objects.get().code == long_text[:64]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("tem.jpg", b"not a photo at all", content_type="image/jpeg"), "This file is not a photo."),
        (SimpleUploadedFile("tem.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'), "SVG drawings are not accepted."),
        (SimpleUploadedFile("tem.jpg", jpeg_bytes()[:200], content_type="image/jpeg"), "The photo is damaged"),
    ],
)
def test_a_bad_photo_is_refused_and_the_rest_is_kept(english, stamp, upload, message):
    response = english.post(f"/t/{stamp.code}/report/", fields(photo=upload, contact="lan@example.vn"))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "what you wrote is kept" in html
    assert 'value="Chợ Vườn Hoa, Thanh Hóa"' in html
    assert "Tem in mờ, nắp hũ khác với hũ mua ở điểm bán OCOP." in html
    assert 'value="lan@example.vn"' in html
    assert f'<option value="{THANH_HOA}" selected>' in html
    assert not CounterfeitReport.objects.exists()


def test_missing_fields_are_named(english, stamp):
    response = english.post(f"/t/{stamp.code}/report/", fields(place="", description=""))
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2
    assert not CounterfeitReport.objects.exists()


def test_reports_are_rate_limited_and_the_text_is_kept(english, stamp, settings):
    settings.OCOP_STAMP_REPORTS_PER_HOUR = 2
    for place in ("Chợ A", "Chợ B"):
        assert english.post(f"/t/{stamp.code}/report/", fields(place=place)).status_code == 302
    response = english.post(f"/t/{stamp.code}/report/", fields(place="Chợ C", photo=phone_photo()))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "You have sent several reports in the last hour." in html
    assert 'value="Chợ C"' in html
    assert CounterfeitReport.objects.count() == 2
    # The page itself still opens, and other clients may still report.
    assert english.get(f"/t/{stamp.code}/report/").status_code == 200
    other = english.post(f"/t/{stamp.code}/report/", fields(place="Chợ D"), REMOTE_ADDR="198.51.100.40")
    assert other.status_code == 302


def test_only_get_head_and_post(client, stamp):
    assert client.put(f"/t/{stamp.code}/report/").status_code == 405
    assert client.post(f"/t/{stamp.code}/report/thanks/").status_code == 405


def test_a_code_of_spaces_is_reported_too(english):
    assert english.get("/t/%20%20/report/").status_code == 200
    response = english.post("/t/%20%20/report/", fields())
    assert response.status_code == 302
    assert english.get(response["Location"]).status_code == 200
    assert CounterfeitReport.objects.get().code == ""
