"""Product photo uploads: what is refused and why, what accepted photos become, and their thumbnails."""

import io
import json
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from oscar.core.loading import get_model
from PIL import Image, ImageOps, PngImagePlugin

from catalog.photos import THUMBNAIL_SIZES, PhotoField, clean_photo, schedule_thumbnails
from catalog.tasks import make_product_image_thumbnails

REPO_ROOT = Path(__file__).resolve().parents[3]
UUID_NAME = r"^[0-9a-f]{32}\.%s$"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def encoded(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data)


def refusal(data, name="photo.jpg"):
    with pytest.raises(ValidationError) as raised:
        clean_photo(upload(data, name))
    return raised.value


def zero_png(width, height, *, bit_depth=1, color_type=0):
    """A valid greyscale PNG of ``width`` × ``height`` black pixels, written without ever holding the pixels."""

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    row = b"\x00" + bytes((width * bit_depth + 7) // 8)  # filter byte "none", then the row
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --- accepted -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("image_format", "extension", "mode"),
    [("JPEG", "jpg", "RGB"), ("PNG", "png", "RGB"), ("WEBP", "webp", "RGB")],
)
def test_jpeg_png_and_webp_are_accepted_and_renamed(image_format, extension, mode):
    original = Image.new(mode, (64, 48), (200, 30, 30))
    result = clean_photo(upload(encoded(original, image_format), name="../../Ảnh sản phẩm.exe"))

    assert isinstance(result, ContentFile)
    assert result.name.endswith(f".{extension}")
    assert len(result.name) == 32 + 1 + len(extension)
    assert result.name[:32].isalnum() and result.name[:32] == result.name[:32].lower()
    with Image.open(io.BytesIO(result.read())) as again:
        assert again.format == image_format
        assert again.size == (64, 48)
        assert again.mode == "RGB"


def test_two_uploads_of_the_same_photo_get_different_names():
    data = encoded(Image.new("RGB", (8, 8)), "PNG")
    assert clean_photo(upload(data, "a.png")).name != clean_photo(upload(data, "a.png")).name


def test_png_and_webp_keep_transparency_jpeg_becomes_rgb():
    transparent = Image.new("RGBA", (10, 10), (0, 128, 0, 0))
    with Image.open(io.BytesIO(clean_photo(upload(encoded(transparent, "PNG"), "t.png")).read())) as png:
        assert png.mode == "RGBA" and png.getpixel((5, 5))[3] == 0
    with Image.open(
        io.BytesIO(clean_photo(upload(encoded(transparent, "WEBP", lossless=True), "t.webp")).read())
    ) as webp:
        assert webp.mode == "RGBA" and webp.getpixel((5, 5))[3] == 0

    cmyk = Image.new("CMYK", (10, 10), (0, 255, 255, 0))
    with Image.open(io.BytesIO(clean_photo(upload(encoded(cmyk, "JPEG"))).read())) as jpeg:
        assert jpeg.mode == "RGB"
        red, green, blue = jpeg.getpixel((5, 5))
        assert red > 200 and green < 60 and blue < 60


def test_exif_orientation_is_applied_and_exif_is_gone():
    # Left half red, right half blue, stored sideways: orientation 6 means "turn 90° clockwise to show".
    sideways = Image.new("RGB", (80, 40), (255, 0, 0))
    sideways.paste((0, 0, 255), (40, 0, 80, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera app 1.0"  # Software
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (18.0, 20.0, 31.0)  # GPSLatitude
    gps[3] = "E"
    gps[4] = (105.0, 54.0, 20.0)
    data = encoded(sideways, "JPEG", exif=exif, quality=95)
    with Image.open(io.BytesIO(data)) as check:  # the test file really carries what we claim
        assert check.getexif()[0x0112] == 6
        assert check.getexif().get_ifd(0x8825)[1] == "N"

    result = clean_photo(upload(data)).read()

    assert b"Exif" not in result and b"PhoneMaker" not in result
    with Image.open(io.BytesIO(result)) as photo:
        assert photo.size == (40, 80)  # upright now
        assert "exif" not in photo.info
        assert dict(photo.getexif()) == {}
        top, bottom = photo.getpixel((20, 10)), photo.getpixel((20, 70))
        assert top[0] > 200 and top[2] < 60  # the left (red) half is on top
        assert bottom[2] > 200 and bottom[0] < 60
        # Turning it back gives the picture as it was stored.
        assert ImageOps.exif_transpose(photo).size == (40, 80)


def test_png_text_chunks_and_webp_exif_are_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 18.34N 105.90E")
    png = encoded(Image.new("RGB", (10, 10)), "PNG", pnginfo=info)
    assert b"GPS 18.34N" in png
    assert b"GPS 18.34N" not in clean_photo(upload(png, "a.png")).read()

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    webp = encoded(Image.new("RGB", (10, 10)), "WEBP", exif=exif)
    assert b"PhoneMaker" in webp
    cleaned = clean_photo(upload(webp, "a.webp")).read()
    assert b"PhoneMaker" not in cleaned and b"EXIF" not in cleaned


def test_an_embedded_colour_profile_is_not_kept():
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encoded(Image.new("RGB", (10, 10), (10, 120, 200)), "JPEG", icc_profile=srgb, quality=95)
    with Image.open(io.BytesIO(data)) as check:
        assert check.info.get("icc_profile")

    with Image.open(io.BytesIO(clean_photo(upload(data)).read())) as photo:
        assert "icc_profile" not in photo.info
        red, green, blue = photo.getpixel((5, 5))
        assert abs(red - 10) < 8 and abs(green - 120) < 8 and abs(blue - 200) < 8


def test_a_photo_at_the_pixel_limit_is_accepted():
    result = clean_photo(upload(zero_png(8000, 5000, bit_depth=8), "forty-megapixels.png"))  # exactly 40 MP
    with Image.open(io.BytesIO(result.read())) as photo:
        assert photo.size == (8000, 5000)


# --- refused --------------------------------------------------------------------------------------
def test_an_empty_file_is_refused():
    error = refusal(b"")
    assert error.code == "empty"
    assert error.messages == ["The photo file is empty. Choose the photo again."]


def test_a_file_over_10_mb_is_refused_before_it_is_read():
    class Huge(io.BytesIO):
        size = 12 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("a file that is too big must not be read")

    with pytest.raises(ValidationError) as raised:
        clean_photo(Huge(b""))
    assert raised.value.code == "too_large"
    assert raised.value.messages == ["The photo is too big (12.0\xa0MB); photos may be at most 10.0\xa0MB."]


def test_the_size_limit_is_a_setting(settings):
    settings.OCOP_PHOTO_MAX_BYTES = 1000
    data = encoded(Image.effect_noise((100, 100), 60).convert("RGB"), "PNG")
    assert len(data) > 1000
    assert refusal(data, "a.png").code == "too_large"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200), id="windows-executable"),
        pytest.param(b"\x7fELF\x02\x01\x01" + bytes(200), id="linux-executable"),
        pytest.param("Đây là một tệp văn bản, không phải ảnh.\n".encode() * 10, id="text"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", id="pdf"),
        pytest.param(bytes(range(256)) * 4, id="random-bytes"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(data):
    error = refusal(data, "photo.jpg")
    assert error.code == "not_image"
    assert error.messages == ["This file is not a photo. Upload a JPEG, PNG or WebP image."]


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        b'\xef\xbb\xbf  <SVG onload="alert(1)"></SVG>',
    ],
)
def test_svg_is_refused_by_name(data):
    error = refusal(data, "photo.png")
    assert error.code == "svg"
    assert error.messages == ["SVG drawings are not accepted. Upload a JPEG, PNG or WebP image."]


@pytest.mark.parametrize(
    ("image_format", "shown_as"),
    [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF"), ("ICO", "ICO"), ("PPM", "PPM"), ("TGA", "TGA")],
)
def test_other_image_formats_are_refused_naming_the_accepted_ones(image_format, shown_as):
    error = refusal(encoded(Image.new("RGB", (16, 16), "green"), image_format), "photo.jpg")
    assert error.code == "format"
    assert error.messages == [f"{shown_as} images are not accepted. Upload a JPEG, PNG or WebP image."]


def test_heic_is_refused_as_a_format():
    heic_header = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)
    error = refusal(heic_header, "IMG_0001.HEIC")
    assert error.code == "format"
    assert error.messages[0].startswith("HEIC images are not accepted.")


@pytest.mark.parametrize(
    ("image_format", "keep"),
    [("JPEG", 0.5), ("PNG", 0.5), ("WEBP", 0.5), ("JPEG", 0.02), ("PNG", 0.05)],
)
def test_a_truncated_photo_is_refused(image_format, keep):
    complete = encoded(Image.effect_noise((300, 300), 80).convert("RGB"), image_format)
    error = refusal(complete[: int(len(complete) * keep)], "photo")
    assert error.code == "corrupt"
    assert error.messages == ["The photo is damaged or incomplete and cannot be read. Save it again and upload it."]


def test_a_png_with_garbage_for_pixels_is_refused():
    complete = zero_png(100, 100, bit_depth=8)
    corrupt = complete[:33] + complete[33:60] + bytes(reversed(complete[60:-12])) + complete[-12:]
    assert refusal(corrupt, "photo.png").code == "corrupt"


def test_over_40_megapixels_is_refused_from_the_header():
    data = zero_png(8200, 5000, bit_depth=8)  # 41 MP, a few kilobytes
    assert len(data) < 100_000
    error = refusal(data, "photo.png")
    assert error.code == "too_many_pixels"
    assert error.messages == [
        "The photo is 8200 × 5000 pixels (41.0 megapixels); photos may have at most 40 megapixels."
    ]


def test_a_photo_so_large_that_pillow_itself_refuses_it_is_refused():
    error = refusal(zero_png(20000, 10000), "photo.png")  # 200 MP: over Pillow's own bomb limit
    assert error.code == "too_many_pixels"
    assert "at most 40 megapixels" in error.messages[0]


def test_the_pixel_limit_is_a_setting(settings):
    settings.OCOP_PHOTO_MAX_PIXELS = 1000
    assert refusal(encoded(Image.new("RGB", (40, 30)), "JPEG")).code == "too_many_pixels"
    assert clean_photo(upload(encoded(Image.new("RGB", (40, 25)), "JPEG"))).name.endswith(".jpg")


BOMB_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys
    import django
    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from catalog.photos import clean_photo


    def status_kib(field):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])


    with open(sys.argv[1], "rb") as handle:
        upload = SimpleUploadedFile("bomb.png", handle.read())
    # Linux: start a fresh high-water mark, so VmHWM afterwards is the peak during the call alone.
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    rss_before = status_kib("VmRSS")
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        clean_photo(upload)
        outcome = "accepted"
    except ValidationError as error:
        outcome = error.code
    maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_during = status_kib("VmHWM")
    print(json.dumps({
        "outcome": outcome, "bytes": len(upload),
        "maxrss_before_kib": maxrss_before, "maxrss_after_kib": maxrss_after,
        "rss_before_kib": rss_before, "peak_during_kib": peak_during,
    }))
    """
)


def run_in_fresh_process(path, script=BOMB_SCRIPT):
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("measuring the peak memory of one call needs Linux's /proc/self/clear_refs")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings.test"}
    finished = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    measured = json.loads(finished.stdout.strip().splitlines()[-1])
    measured["maxrss_growth_mib"] = (measured["maxrss_after_kib"] - measured["maxrss_before_kib"]) / 1024
    measured["peak_growth_mib"] = (measured["peak_during_kib"] - measured["rss_before_kib"]) / 1024
    return measured


def test_a_100_megapixel_png_of_a_few_kilobytes_is_refused_without_allocating_its_pixels(tmp_path, record_property):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(zero_png(10000, 10000))  # 100 MP black-and-white: decoded it would take 100 MB or more
    assert bomb.stat().st_size < 20_000

    measured = run_in_fresh_process(bomb)

    record_property("bomb_png_bytes", measured["bytes"])
    record_property("bomb_ru_maxrss_growth_mib", round(measured["maxrss_growth_mib"], 2))
    record_property("bomb_peak_rss_growth_during_call_mib", round(measured["peak_growth_mib"], 2))
    record_property("bomb_peak_rss_during_call_mib", round(measured["peak_during_kib"] / 1024, 1))
    print(
        f"100-megapixel PNG ({measured['bytes']} bytes): refused as {measured['outcome']}; "
        f"ru_maxrss {measured['maxrss_before_kib'] / 1024:.1f} -> {measured['maxrss_after_kib'] / 1024:.1f} MiB "
        f"(growth {measured['maxrss_growth_mib']:.2f} MiB); peak RSS during the call "
        f"{measured['peak_during_kib'] / 1024:.1f} MiB, {measured['peak_growth_mib']:.2f} MiB above the RSS before it"
    )
    assert measured["outcome"] == "too_many_pixels"
    assert measured["maxrss_growth_mib"] < 200
    assert measured["peak_growth_mib"] < 200


def test_the_memory_measurement_would_see_a_decoded_bomb(tmp_path):
    """The figures above mean something: decoding the same kind of file does show in the peak."""
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(zero_png(10000, 10000, bit_depth=8))
    script = BOMB_SCRIPT.replace("clean_photo(upload)", "Image.open(upload).load()").replace(
        "from catalog.photos import clean_photo", "from PIL import Image; Image.MAX_IMAGE_PIXELS = None"
    )
    measured = run_in_fresh_process(bomb, script)
    assert measured["outcome"] == "accepted"
    assert measured["peak_growth_mib"] > 90


# --- the form field -------------------------------------------------------------------------------
class PhotoForm(forms.Form):
    caption = forms.CharField()
    photo = PhotoField()


def test_photo_field_returns_the_cleaned_photo():
    form = PhotoForm(
        data={"caption": "Hũ mật ong"},
        files={"photo": upload(encoded(Image.new("RGB", (20, 20)), "WEBP"), "hu.webp")},
    )
    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["photo"], ContentFile)
    assert form.cleaned_data["photo"].name.endswith(".webp")
    assert 'accept="image/jpeg,image/png,image/webp"' in str(form["photo"])


def test_photo_field_refusal_is_a_form_error_and_keeps_the_other_fields():
    form = PhotoForm(data={"caption": "Hũ mật ong"}, files={"photo": upload(b"<svg/>", "x.svg")})
    assert not form.is_valid()
    assert form.errors["photo"] == ["SVG drawings are not accepted. Upload a JPEG, PNG or WebP image."]
    assert form.cleaned_data["caption"] == "Hũ mật ong"

    empty = PhotoForm(data={"caption": "x"}, files={"photo": upload(b"", "x.jpg")})
    assert not empty.is_valid()
    assert empty.errors["photo"] == ["The photo file is empty. Choose the photo again."]


def test_photo_field_leaves_an_unchanged_initial_photo_alone():
    field = PhotoField(required=False)
    assert field.clean(None, initial="products/old.jpg") == "products/old.jpg"
    assert field.clean(None) is None


# --- thumbnails -----------------------------------------------------------------------------------
@pytest.fixture
def product_image(db):
    from tests.factories import ProductFactory

    ProductImage = get_model("catalogue", "ProductImage")
    photo = clean_photo(upload(encoded(Image.new("RGB", (900, 600), "orange"), "JPEG")))
    return ProductImage.objects.create(product=ProductFactory(), original=photo, caption="Cam")


def thumbnail_files(media_root):
    cache = Path(media_root) / "cache"
    return sorted(path for path in cache.rglob("*") if path.is_file()) if cache.exists() else []


def test_thumbnails_are_made_after_commit_for_every_size(product_image, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule_thumbnails(product_image)
    assert thumbnail_files(settings.MEDIA_ROOT) == []  # nothing before the commit

    for callback in callbacks:
        callback()

    files = thumbnail_files(settings.MEDIA_ROOT)
    assert len(files) == len(THUMBNAIL_SIZES)
    sizes = set()
    for path in files:
        with Image.open(path) as thumbnail:
            sizes.add(thumbnail.size)
    assert (100, 67) in sizes  # "100x100", never upscaled, aspect kept
    assert (65, 55) in sizes  # "65x55" cropped
    assert {(232, 155), (233, 155)} & sizes  # "x155"


def test_the_thumbnail_task_is_idempotent_and_tolerates_a_deleted_image(product_image, settings):
    assert make_product_image_thumbnails(product_image.pk) == len(THUMBNAIL_SIZES)
    first = {path: path.stat().st_mtime_ns for path in thumbnail_files(settings.MEDIA_ROOT)}
    assert make_product_image_thumbnails(product_image.pk) == len(THUMBNAIL_SIZES)
    assert {path: path.stat().st_mtime_ns for path in thumbnail_files(settings.MEDIA_ROOT)} == first

    image_id = product_image.pk
    product_image.delete()
    assert make_product_image_thumbnails(image_id) == 0


def test_the_thumbnail_task_retries_when_thumbnails_are_not_written(product_image, monkeypatch):
    from catalog import photos

    class Unwritten:
        name = "cache/never.jpg"

        def exists(self):
            return False

    monkeypatch.setattr(photos, "render_thumbnails", lambda image_file: [Unwritten()])
    with pytest.raises(RuntimeError, match="were not written"):
        make_product_image_thumbnails(product_image.pk)
    assert make_product_image_thumbnails.autoretry_for == (Exception,)
