"""A stamp batch of a certified Hà Tĩnh product, with a photo; clients on addresses of their own."""

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from oscar.core.loading import get_model
from PIL import Image

from catalog.models import today
from tests.factories import ProducerFactory, certified_product, stamp_batch

ProductImage = get_model("catalogue", "ProductImage")

BUYER_ADDRESS = "203.0.113.77"


def jpeg_bytes(size=(640, 480), colour="goldenrod"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def honey(db):
    producer = ProducerFactory(name="HTX Mật ong Hương Sơn", code="htx-mat-ong-huong-son")
    product = certified_product(4, producer=producer, title="Mật ong rừng Hương Sơn – Hũ 500 g")
    ProductImage.objects.create(
        product=product, original=ContentFile(jpeg_bytes(), name="mat-ong.jpg"), caption="", display_order=0
    )
    return product


@pytest.fixture
def batch(honey):
    return stamp_batch(honey, quantity=10, lot="MO-2026-03", expires_on=today() + timedelta(days=365))


@pytest.fixture
def stamp(batch):
    return batch.stamps.get(number=batch.first_number)


@pytest.fixture
def buyer(client):
    """A phone on a mobile network: every request comes from the same address."""
    client.defaults["REMOTE_ADDR"] = BUYER_ADDRESS
    return client
