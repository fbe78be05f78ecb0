"""What the stamps of a batch share is kept in the cache, and a change to any of it shows on the next scan."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from freezegun import freeze_time
from oscar.core.loading import get_model

from catalog.certificates import withdraw_certificate
from catalog.models import today
from shop.stamps.facts import batch_facts, facts_key
from tests.functional.stamps.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

ProductImage = get_model("catalogue", "ProductImage")


def scan(client, code):
    return client.get(f"/t/{code}.json").json()


def test_the_facts_are_read_once_and_then_come_from_the_cache(batch, django_assert_num_queries):
    batch_facts(batch.pk)  # the photo's thumbnail is made and remembered
    cache.delete(facts_key(batch.pk))
    with django_assert_num_queries(2):  # the batch with its product, producer and certificates; the photo
        first = batch_facts(batch.pk)
    with django_assert_num_queries(0):
        again = batch_facts(batch.pk)
    assert again.batch.product.title == first.batch.product.title == "Mật ong rừng Hương Sơn – Hũ 500 g"
    assert again.thumbnail_url == first.thumbnail_url and again.thumbnail_url.startswith("/media/cache/")
    assert batch_facts(batch.pk + 1000) is None
    assert cache.get(facts_key(batch.pk + 1000)) is None


def rename_product(batch):
    batch.product.title = "Mật ong hoa cà phê – Hũ 300 g"
    batch.product.save()
    return lambda data: data["product"]["name"] == "Mật ong hoa cà phê – Hũ 300 g"


def new_primary_photo(batch):
    batch.product.images.update(display_order=1)  # no signal: the new photo's own save must tell
    photo = ProductImage.objects.create(
        product=batch.product, original=ContentFile(jpeg_bytes(), name="hu-moi.jpg"), display_order=0
    )
    return lambda data: data["product"]["image_url"].endswith(photo.original.name)


def rename_producer(batch):
    batch.producer.name = "HTX Ong mật Sơn Kim"
    batch.producer.save()
    return lambda data: data["producer"]["name"] == "HTX Ong mật Sơn Kim"


def withdraw(batch):
    withdraw_certificate(batch.product.certificate, occurred_on=today(), reference="QĐ-01/2026")
    return lambda data: data["verdict"] == "certificate_lapsed" and data["certificate"]["problem"] == "withdrawn"


def change_the_lot(batch):
    batch.lot = "MO-2026-04"
    batch.expires_on = today() - timedelta(days=1)
    batch.save()
    return lambda data: data["batch"]["lot"] == "MO-2026-04" and data["batch"]["past_expiry"] is True


@pytest.mark.parametrize("change", [rename_product, new_primary_photo, rename_producer, withdraw, change_the_lot])
def test_a_change_shows_on_the_next_scan(client, batch, stamp, change):
    before = scan(client, stamp.code)
    assert cache.get(facts_key(batch.pk)) is not None
    shows_the_change = change(batch)
    assert not shows_the_change(before)
    assert shows_the_change(scan(client, stamp.code))


def test_facts_a_page_read_before_the_commit_are_forgotten_after_it(batch, django_capture_on_commit_callbacks):
    batch_facts(batch.pk)
    with django_capture_on_commit_callbacks(execute=True):
        batch.product.title = "Mật ong bạc hà – Hũ 500 g"
        batch.product.save()
        assert cache.get(facts_key(batch.pk)) is None
        cache.set(facts_key(batch.pk), "read by another request before the commit")
    assert cache.get(facts_key(batch.pk)) is None


def test_a_new_batch_of_the_product_leaves_the_kept_ones_alone(batch, django_capture_on_commit_callbacks):
    from tests.factories import stamp_batch

    batch_facts(batch.pk)
    with django_capture_on_commit_callbacks(execute=True):
        stamp_batch(batch.product, quantity=2)
    assert cache.get(facts_key(batch.pk)) is not None


# --- the page's part that every stamp of the batch shows alike, kept rendered ---------------------


def page_html(client, code):
    return client.get(f"/t/{code}", headers={"accept": "text/html"}).content.decode()


def test_the_kept_part_of_the_page_follows_the_language(client, batch):
    first, second = batch.stamps.order_by("number")[:2]
    client.cookies["django_language"] = "vi"
    assert "Lô sản xuất" in page_html(client, first.code)
    client.cookies["django_language"] = "en"
    html = page_html(client, second.code)
    assert "Production lot" in html and "Lô sản xuất" not in html


def test_the_kept_part_of_the_page_follows_the_day(english, batch):
    first, second = batch.stamps.order_by("number")[:2]
    assert "passed" not in page_html(english, first.code)
    with freeze_time(timezone.now() + timedelta(days=366)):  # the lot expires after 365 days
        html = page_html(english, second.code)
    assert '<span class="badge badge-warning">passed</span>' in html


def test_a_renamed_product_shows_on_the_page_at_once(english, batch):
    first, second = batch.stamps.order_by("number")[:2]
    assert "Mật ong rừng Hương Sơn – Hũ 500 g" in page_html(english, first.code)
    batch.product.title = "Mật ong hoa cà phê – Hũ 300 g"
    batch.product.save()
    html = page_html(english, second.code)
    assert "Mật ong hoa cà phê – Hũ 300 g" in html and "Hương Sơn – Hũ 500 g" not in html
