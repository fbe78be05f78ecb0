"""Product photos uploaded by producers: checked, re-encoded, and thumbnailed in the background.

Only JPEG, PNG and WebP are accepted. The header is read first (Pillow opens lazily), so a
decompression bomb is refused from its declared size before a single pixel is decoded. Accepted
photos are decoded and saved again by Pillow: orientation applied, EXIF/XMP/text chunks gone
(phones put the GPS position there), colours converted to sRGB, and a random file name.
"""

import io
import uuid
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"

# The sorl-thumbnail sizes our pages ask for through {% oscar_thumbnail %} (geometry, options), rendered
# ahead of the first visitor: Oscar's basket and checkout (100x100), order confirmation (200x200),
# the dashboard product and stock lists (70x70), the product gallery (440x400 and its 65x55 strip),
# product cards (x155).
GALLERY_THUMBNAIL = ("440x400", {"upscale": False})
THUMBNAIL_SIZES = (
    ("100x100", {"upscale": False}),
    ("200x200", {"upscale": False}),
    ("70x70", {"upscale": False}),
    GALLERY_THUMBNAIL,
    ("65x55", {"crop": "center"}),
    ("x155", {"upscale": False}),
)

MESSAGES = {
    "empty": _("The photo file is empty. Choose the photo again."),
    "too_large": _("The photo is too big (%(size)s); photos may be at most %(limit)s."),
    "not_image": _("This file is not a photo. Upload a JPEG, PNG or WebP image."),
    "svg": _("SVG drawings are not accepted. Upload a JPEG, PNG or WebP image."),
    "format": _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP image."),
    "too_many_pixels": _(
        "The photo is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
        "photos may have at most %(limit)s megapixels."
    ),
    "bomb": _("The photo has far too many pixels; photos may have at most %(limit)s megapixels."),
    "corrupt": _("The photo is damaged or incomplete and cannot be read. Save it again and upload it."),
}

_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"8BPS", "PSD"),
    (b"\x00\x00\x01\x00", "ICO"),
)
_ISO_MEDIA_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"msf1": "HEIF", b"avif": "AVIF"}


def max_bytes():
    return getattr(settings, "OCOP_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels():
    return getattr(settings, "OCOP_PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def _sniff(head):
    """The format the first bytes announce: "JPEG", "PNG", "WEBP", another image format's name, "SVG" or None."""
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in _ISO_MEDIA_BRANDS:
        return _ISO_MEDIA_BRANDS[head[8:12]]
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text or (text.startswith(b"<?xml") and b"svg" in text):
        return "SVG"
    return None


def _other_image_format(uploaded_file):
    """The name of a format Pillow recognises (one we don't take), or None if the file is no image at all."""
    uploaded_file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded_file) as image:
                return image.format
    except Exception:  # noqa: BLE001 - anything Pillow can't identify is "not an image" to the user
        return None


def _file_size(uploaded_file):
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, io.SEEK_END)
        size = uploaded_file.tell()
    return size


def _open_checked(uploaded_file, image_format):
    """Open (header only) and refuse too many pixels before anything is decoded."""
    uploaded_file.seek(0)
    try:
        # Pillow warns about a big image while opening it; we give our own, more precise refusal below.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(uploaded_file, formats=[image_format])
    except Image.DecompressionBombError:
        raise ValidationError(MESSAGES["bomb"] % {"limit": _megapixel_limit()}, code="too_many_pixels") from None
    except Exception:  # noqa: BLE001 - a malformed header can raise nearly anything inside a plugin
        raise ValidationError(MESSAGES["corrupt"], code="corrupt") from None
    width, height = image.size
    if width <= 0 or height <= 0:
        image.close()
        raise ValidationError(MESSAGES["corrupt"], code="corrupt")
    if width * height > max_pixels():
        image.close()
        raise ValidationError(
            MESSAGES["too_many_pixels"]
            % {
                "width": width,
                "height": height,
                "megapixels": f"{width * height / 1_000_000:.1f}",
                "limit": _megapixel_limit(),
            },
            code="too_many_pixels",
        )
    return image


def _megapixel_limit():
    return f"{max_pixels() / 1_000_000:g}"


def _to_srgb(image):
    """Convert colours from an embedded ICC profile to sRGB, so the profile can be dropped safely."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L", "LA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in (ImageCms.getProfileDescription(source) or "").lower():
            return image
        output_mode = "RGBA" if image.mode in ("RGBA", "LA") else "RGB"
        if image.mode == "LA":
            image = image.convert("RGBA")
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: keep the pixels as they are


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode in ("P", "L", "RGB", "1") and "transparency" in image.info
    )


def _convert_mode(image, image_format):
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale down to 8 bits rather than clipping everything above 255 to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image_format == "JPEG":
        return image if image.mode == "RGB" else image.convert("RGB")
    if _has_alpha(image):
        return image if image.mode == "RGBA" else image.convert("RGBA")
    if image_format == "PNG" and image.mode in ("L", "1"):
        return image.convert("L")
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode(image, image_format):
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
    elif image_format == "PNG":
        image.save(buffer, "PNG", optimize=False, compress_level=6)
    else:
        image.save(buffer, "WEBP", quality=88, method=4)
    return buffer.getvalue()


def clean_photo(uploaded_file):
    """Check an uploaded photo and return it re-encoded as a ContentFile named ``<uuid>.jpg|png|webp``.

    Raises ValidationError with a message the producer understands for anything else.
    """
    if uploaded_file is None:
        raise ValidationError(MESSAGES["empty"], code="empty")
    size = _file_size(uploaded_file)
    if not size:
        raise ValidationError(MESSAGES["empty"], code="empty")
    if size > max_bytes():
        raise ValidationError(
            MESSAGES["too_large"] % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            code="too_large",
        )

    uploaded_file.seek(0)
    head = uploaded_file.read(512)
    image_format = _sniff(head)
    if image_format == "SVG":
        raise ValidationError(MESSAGES["svg"], code="svg")
    if image_format is None:
        image_format = _other_image_format(uploaded_file)
        if image_format is None:
            raise ValidationError(MESSAGES["not_image"], code="not_image")
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(MESSAGES["format"] % {"format": image_format}, code="format")

    image = _open_checked(uploaded_file, image_format)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            image = ImageOps.exif_transpose(image)
            image = _to_srgb(image)
            image = _convert_mode(image, image_format)
            image.info = {}  # EXIF, XMP, ICC, text chunks: none of it is written again
            data = _encode(image, image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(MESSAGES["bomb"] % {"limit": _megapixel_limit()}, code="too_many_pixels") from None
    except Exception:  # noqa: BLE001 - truncated data, bad chunks, broken decoders all mean "unreadable"
        raise ValidationError(MESSAGES["corrupt"], code="corrupt") from None
    finally:
        image.close()
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{EXTENSIONS[image_format]}")


def _photo_help_text_now():
    return gettext("JPEG, PNG or WebP, at most %(size)s and %(megapixels)s megapixels.") % {
        "size": filesizeformat(max_bytes()),
        "megapixels": _megapixel_limit(),
    }


_photo_help_text = lazy(_photo_help_text_now, str)


class PhotoField(forms.FileField):
    """A file field for one product photo: clean() returns the re-encoded ContentFile from clean_photo."""

    default_error_messages = {"empty": MESSAGES["empty"]}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("help_text", _photo_help_text())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        cleaned = super().clean(data, initial)
        if cleaned in (None, False, "") or cleaned is initial:
            return cleaned
        return clean_photo(cleaned)


def render_thumbnails(image_file):
    """Render every size in THUMBNAIL_SIZES of ``image_file`` (sorl skips those it already has)."""
    from sorl.thumbnail import get_thumbnail

    return [get_thumbnail(image_file, geometry, **options) for geometry, options in THUMBNAIL_SIZES]


def schedule_thumbnails(product_image):
    """After the current transaction commits, render the thumbnails of ``product_image`` in Celery."""
    from catalog.tasks import make_product_image_thumbnails

    image_id = product_image.pk
    transaction.on_commit(lambda: make_product_image_thumbnails.delay(image_id))
