"""Listings in every state, photos and XSS payloads for the listing and review pages' tests."""

import io
import re
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.listings import create_listing
from catalog.models import OcopCertificate, today
from catalog.photos import clean_photo
from tests.factories import certified_product

XSS_PAYLOADS = [
    "<script>alert('xss-script')</script>",
    '<img src="x" onerror="alert(\'xss-img\')">',
    "<a href=\"javascript:alert('xss-js')\">link</a>",
    "<a href=\"JaVaScRiPt:alert('xss-js2')\">link</a>",
    '<svg onload="alert(\'xss-svg\')"><circle r="1"/></svg>',
    '<p onclick="alert(\'xss-p\')" style="color:red">text</p>',
    '<iframe src="https://evil.example/?xss-iframe"></iframe>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=\"alert('xss-math')\"></style></mglyph></table></mtext></math>",
]
XSS_TEXT = "<p>Giới thiệu</p>" + "".join(XSS_PAYLOADS)
# Every payload carries an "xss-" marker inside the part that would run; the page's own handlers don't.
DANGER = re.compile(r"xss-|<iframe|<svg|<script>alert|data:text/html|javascript:alert", re.IGNORECASE)


def png_bytes(size=(60, 40), colour="orange"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name="cam.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type=content_type)


def checked_photo(colour="orange"):
    file = io.BytesIO(png_bytes(colour=colour))
    file.name = "cam.png"
    return clean_photo(file)


def certified_for(producer, stars=4, name="Cam bù Vũ Quang", **fields):
    product = certified_product(stars, producer=producer, title=name, **fields)
    OcopCertificate.objects.filter(pk=product.certificate_id).update(product_name=name)
    product.refresh_from_db()
    product.certificate.refresh_from_db()
    return product


def new_listing(certified, user, packaging="Thùng 10 kg", description="<p>Cam ngon</p>", photos=None, **fields):
    return create_listing(
        producer=certified.producer,
        certificate=certified.certificate,
        packaging=packaging,
        description=description,
        price=fields.pop("price", Decimal("390000")),
        num_in_stock=fields.pop("num_in_stock", 20),
        photos=[checked_photo()] if photos is None else photos,
        user=user,
        **fields,
    )


def expire(product, days_ago=1):
    OcopCertificate.objects.filter(pk=product.certificate_id).update(valid_until=today() - timedelta(days=days_ago))


def expire_soon(product, days=10):
    OcopCertificate.objects.filter(pk=product.certificate_id).update(valid_until=today() + timedelta(days=days))
