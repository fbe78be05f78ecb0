"""Where a listing stands for its producer: live, pending review, sent back, or not for sale and why."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from PIL import Image

from catalog.certificates import rerate_certificate, withdraw_certificate
from catalog.listings import (
    ListingState,
    approve_revision,
    create_listing,
    listing_status,
    propose_listing_changes,
    send_back_revision,
    with_listing_status,
)
from catalog.models import OcopCertificate, Product, today
from catalog.photos import clean_photo
from shop.accounts.roles import Role
from tests.factories import (
    HA_TINH,
    ProducerFactory,
    ProductFactory,
    certified_product,
    government_officer,
    partner_staff,
)

pytestmark = pytest.mark.django_db


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "orange").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "a.png"
    return clean_photo(buffer)


@pytest.fixture
def producer():
    return ProducerFactory()


@pytest.fixture
def staff(producer):
    return partner_staff(producer)


@pytest.fixture
def reviewer():
    return government_officer(Role.COORDINATION_OFFICER, HA_TINH, "vpdp@example.vn")


@pytest.fixture
def certified(producer):
    return certified_product(4, producer=producer, title="Mật ong rừng Hương Sơn")


def listing(certified, staff):
    return create_listing(
        producer=certified.producer,
        certificate=certified.certificate,
        packaging="Chai 500 ml",
        price=Decimal("250000"),
        num_in_stock=5,
        photos=[photo()],
        user=staff,
    )


def status_of(product, day=None):
    return listing_status(with_listing_status(Product.objects.filter(pk=product.pk)).get(), day)


def test_a_certified_product_for_sale_is_live(certified):
    status = status_of(certified)
    assert status.state == ListingState.LIVE and status.is_live
    assert status.notes == [] and status.expires_on is None
    with translation.override("en"):
        assert status.label == "Live"
    with translation.override("vi"):
        assert status.label == "Đang bán"


def test_a_new_listing_is_pending_then_sent_back_with_the_reason(certified, staff, reviewer):
    product = listing(certified, staff)
    status = status_of(product)
    assert status.state == ListingState.PENDING
    with translation.override("en"):
        assert str(status.label) == "Pending review"

    send_back_revision(product.revisions.get(), reviewer=reviewer, reason="Ảnh chưa rõ")
    status = status_of(product)
    assert (status.state, status.reason) == (ListingState.SENT_BACK, "Ảnh chưa rõ")
    with translation.override("en"):
        assert str(status.label) == "Sent back"


def test_a_change_to_a_live_listing_is_noted_and_so_is_its_sending_back(certified, staff, reviewer):
    revision = propose_listing_changes(certified, description="<p>Mới</p>", user=staff)
    status = status_of(certified)
    assert status.state == ListingState.LIVE
    assert status.pending_change == revision
    with translation.override("en"):
        assert str(status_of(certified).notes[0]).startswith("Changes awaiting review since ")

    send_back_revision(revision, reviewer=reviewer, reason="Mô tả sai chỉ tiêu")
    status = status_of(certified)
    assert status.state == ListingState.LIVE and status.sent_back_change == revision
    with translation.override("en"):
        assert status_of(certified).notes == ["Changes sent back: Mô tả sai chỉ tiêu"]


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: withdraw_certificate(p.certificate, occurred_on=today(), reference="QĐ"), "withdrawn"),
        (
            lambda p: OcopCertificate.objects.filter(pk=p.certificate_id).update(
                valid_until=today() - timedelta(days=1)
            ),
            "expired",
        ),
        (
            lambda p: rerate_certificate(p.certificate, score=35, occurred_on=today(), reference="Biên bản"),
            "reduced",
        ),
        (
            lambda p: OcopCertificate.objects.filter(pk=p.certificate_id).update(
                valid_from=today() + timedelta(days=3)
            ),
            "not_yet_valid",
        ),
        (lambda p: Product.objects.filter(pk=p.pk).update(is_public=False), "hidden"),
    ],
)
def test_not_for_sale_says_why(certified, make, problem):
    make(certified)
    status = status_of(certified)
    assert (status.state, status.problem) == (ListingState.NOT_FOR_SALE, problem)
    fresh = Product.objects.get(pk=certified.pk)
    assert status.reason == str(fresh.reason_not_for_sale())


def test_a_product_without_certificate_is_not_for_sale(producer):
    status = status_of(ProductFactory(producer=producer))
    assert (status.state, status.problem) == (ListingState.NOT_FOR_SALE, "no_certificate")


def test_low_stars_without_a_reduction(producer):
    status = status_of(certified_product(2, producer=producer))
    assert status.problem == "low_stars"


def test_expiring_soon_within_the_first_reminder(certified, settings):
    settings.OCOP_EXPIRY_REMINDER_DAYS = (60, 14)
    OcopCertificate.objects.filter(pk=certified.certificate_id).update(valid_until=today() + timedelta(days=60))
    status = status_of(certified)
    assert status.is_live and status.expires_on == today() + timedelta(days=60)
    OcopCertificate.objects.filter(pk=certified.certificate_id).update(valid_until=today() + timedelta(days=61))
    assert status_of(certified).expires_on is None


def test_the_status_of_many_products_takes_a_fixed_number_of_queries(
    producer, staff, reviewer, django_assert_num_queries
):
    products = [certified_product(4, producer=producer) for _ in range(3)]
    rerate_certificate(products[0].certificate, score=35, occurred_on=today(), reference="BB")
    listing(products[1], staff)
    propose_listing_changes(products[2], description="<p>x</p>", user=staff)
    with django_assert_num_queries(3):  # products with certificates, their revisions, certificate events
        statuses = [
            listing_status(product) for product in with_listing_status(Product.objects.filter(producer=producer))
        ]
    assert {status.state for status in statuses} == {ListingState.LIVE, ListingState.NOT_FOR_SALE, ListingState.PENDING}


def test_unticking_a_photo_to_take_down_keeps_it(certified, staff, reviewer):
    product = listing(certified, staff)
    approve_revision(product.revisions.get(), reviewer=reviewer)
    image = product.images.get()
    revision = propose_listing_changes(product, removed_images=[image], user=staff)
    assert list(revision.removed_images.all()) == [image]
    again = propose_listing_changes(product, restored_images=[image], user=staff)
    assert again.pk == revision.pk and again.removed_images.count() == 0
    approve_revision(again, reviewer=reviewer)
    assert product.images.filter(pk=image.pk).exists()
