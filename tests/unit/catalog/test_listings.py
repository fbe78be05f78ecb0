"""The listing services: creating listings, proposing changes, approving and sending them back."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from oscar.core.loading import get_model
from PIL import Image

from catalog.certificates import issue_certificate, withdraw_certificate
from catalog.listings import (
    approve_revision,
    certificates_for_new_listing,
    create_listing,
    proposal_in_progress,
    propose_listing_changes,
    send_back_revision,
)
from catalog.models import ListingRevision, OcopCertificate, Product, today
from catalog.photos import clean_photo
from shop.accounts.roles import Role
from tests.factories import (
    HA_TINH,
    CertificateFactory,
    ProducerFactory,
    ProductFactory,
    certified_product,
    government_officer,
    partner_staff,
)

ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons are checked in English; the e-mails to producers are Vietnamese whatever the language."""
    with translation.override("en"):
        yield


def photo(colour="orange", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "anh.png"
    return clean_photo(buffer)


@pytest.fixture
def producer():
    return ProducerFactory(name="HTX cam Vũ Quang", code="htx-cam")


@pytest.fixture
def staff(producer):
    return partner_staff(producer)


@pytest.fixture
def reviewer():
    return government_officer(Role.COORDINATION_OFFICER, HA_TINH, "vpdp@example.vn")


@pytest.fixture
def certified(producer):
    product = certified_product(4, producer=producer, title="Cam bù Vũ Quang")
    return product


def new_listing(certified, staff, **fields):
    values = {
        "producer": certified.producer,
        "certificate": certified.certificate,
        "packaging": "Thùng 10 kg",
        "description": "<p>Cam <strong>ngọt</strong></p><script>alert(1)</script>",
        "price": Decimal("390000"),
        "num_in_stock": 12,
        "photos": [photo()],
        "user": staff,
    }
    values.update(fields)
    return create_listing(**values)


# --- certificates a producer may list under ------------------------------------


def test_certificates_for_new_listing_are_the_producers_own_valid_three_star_ones(producer, certified):
    two_stars = certified_product(2, producer=producer)
    other_producer = certified_product(4)
    withdrawn = certified_product(4, producer=producer)
    withdraw_certificate(withdrawn.certificate, occurred_on=today(), reference="QĐ thu hồi")
    expired = certified_product(4, producer=producer)
    OcopCertificate.objects.filter(pk=expired.certificate_id).update(valid_until=today() - timedelta(days=1))
    replaced = certified_product(3, producer=producer)
    old_certificate = replaced.certificate
    CertificateFactory(product=replaced, stars=4)

    listed = set(certificates_for_new_listing(producer))

    assert certified.certificate in listed
    assert not listed & {
        two_stars.certificate,
        other_producer.certificate,
        withdrawn.certificate,
        expired.certificate,
        old_certificate,
    }
    assert len(listed) == 2


# --- creating a listing --------------------------------------------------------------


def test_create_listing_makes_a_hidden_product_with_stock_and_a_pending_revision(certified, staff):
    product = new_listing(certified, staff)

    assert product.title == "Cam bù Vũ Quang – Thùng 10 kg"
    assert product.slug == "cam-bu-vu-quang-thung-10-kg"
    assert product.producer == certified.producer and product.certificate == certified.certificate
    assert product.product_class == certified.product_class
    assert product.is_public is False
    assert product.description == "" and product.packaging == ""  # live only once approved
    assert product.images.count() == 0
    stock = StockRecord.objects.get(product=product)
    assert (stock.partner, stock.price, stock.num_in_stock) == (certified.producer, Decimal("390000"), 12)
    revision = product.revisions.get()
    assert revision.is_new_listing and revision.status == ListingRevision.Status.PENDING
    assert revision.packaging == "Thùng 10 kg"
    assert revision.description == "<p>Cam <strong>ngọt</strong></p>"
    assert revision.submitted_by == staff
    assert revision.photos.count() == 1
    assert revision.photos.get().image.name.startswith("listings/pending/")
    assert not Product.objects.for_sale().filter(pk=product.pk).exists()
    assert product.reason_not_for_sale() == "it is awaiting review"


def test_certified_name_alone_without_packaging(certified, staff):
    product = new_listing(certified, staff, packaging="  ")
    assert product.title == "Cam bù Vũ Quang"


def test_create_listing_refuses_another_producers_certificate(certified, staff):
    stranger = certified_product(5)
    with pytest.raises(ValidationError) as error:
        new_listing(certified, staff, certificate=stranger.certificate)
    assert "certificate" in error.value.message_dict
    assert not Product.objects.filter(producer=certified.producer, is_public=False).exists()


@pytest.mark.parametrize("stars", [1, 2])
def test_create_listing_refuses_a_certificate_below_three_stars(producer, staff, stars):
    low = certified_product(stars, producer=producer)
    with pytest.raises(ValidationError) as error:
        new_listing(low, staff)
    assert "certificate" in error.value.message_dict


def test_create_listing_refuses_a_withdrawn_certificate(certified, staff):
    withdraw_certificate(certified.certificate, occurred_on=today(), reference="QĐ")
    certified.certificate.refresh_from_db()
    with pytest.raises(ValidationError):
        new_listing(certified, staff)


@pytest.mark.parametrize(
    ("price", "stock", "field"),
    [("0", 1, "price"), ("-5", 1, "price"), ("1000.5", 1, "price"), ("abc", 1, "price"), ("1000", -1, "num_in_stock")],
)
def test_create_listing_checks_price_and_stock(certified, staff, price, stock, field):
    with pytest.raises(ValidationError) as error:
        new_listing(certified, staff, price=price, num_in_stock=stock)
    assert field in error.value.message_dict


def test_certificate_name_defaults_to_the_product_title(producer):
    product = ProductFactory(producer=producer, title="Nước mắm Cửa Hội")
    certificate = issue_certificate(
        product,
        number="OCOP-HT-9001",
        score=75,
        group="food",
        subgroup="processed_food",
        certifying_level="province",
        issuing_authority="UBND tỉnh Hà Tĩnh",
        decision_number="1/QĐ",
        decision_date=today(),
        valid_from=today(),
    )
    assert certificate.product_name == "Nước mắm Cửa Hội"
    named = issue_certificate(
        product,
        number="OCOP-HT-9002",
        product_name="Nước mắm cốt Cửa Hội",
        score=75,
        group="food",
        subgroup="processed_food",
        certifying_level="province",
        issuing_authority="UBND tỉnh Hà Tĩnh",
        decision_number="2/QĐ",
        decision_date=today(),
        valid_from=today(),
    )
    assert named.product_name == "Nước mắm cốt Cửa Hội"


# --- review ------------------------------------------------------------------------


def test_approving_a_new_listing_puts_it_live(certified, staff, reviewer, django_capture_on_commit_callbacks):
    product = new_listing(certified, staff)
    revision = product.revisions.get()

    with django_capture_on_commit_callbacks(execute=True):
        approve_revision(revision, reviewer=reviewer)

    product.refresh_from_db()
    revision.refresh_from_db()
    assert product.is_public is True
    assert product.packaging == "Thùng 10 kg"
    assert product.description == "<p>Cam <strong>ngọt</strong></p>"
    assert Product.objects.for_sale().filter(pk=product.pk).exists()
    image = product.images.get()
    assert image.display_order == 0
    assert not image.original.name.startswith("listings/pending/")
    assert image.original.storage.exists(image.original.name)
    assert (revision.status, revision.decided_by) == (ListingRevision.Status.APPROVED, reviewer)
    assert revision.decided_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [certified.producer.email, staff.email]
    assert "Cam bù Vũ Quang – Thùng 10 kg" in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["Content-Language"] == "vi"
    assert "Văn phòng Điều phối đã duyệt sản phẩm mới" in mail.outbox[0].body


def test_a_decision_is_not_taken_twice(certified, staff, reviewer):
    revision = new_listing(certified, staff).revisions.get()
    approve_revision(revision, reviewer=reviewer)
    with pytest.raises(ValidationError):
        approve_revision(revision, reviewer=reviewer)
    with pytest.raises(ValidationError):
        send_back_revision(revision, reviewer=reviewer, reason="Ảnh mờ")


def test_sending_back_needs_a_reason_and_keeps_the_listing_hidden(
    certified, staff, reviewer, django_capture_on_commit_callbacks
):
    product = new_listing(certified, staff)
    revision = product.revisions.get()
    with pytest.raises(ValidationError) as error:
        send_back_revision(revision, reviewer=reviewer, reason="   ")
    assert "reason" in error.value.message_dict
    revision.refresh_from_db()
    assert revision.is_pending

    with django_capture_on_commit_callbacks(execute=True):
        send_back_revision(revision, reviewer=reviewer, reason="Ảnh chụp chưa rõ nhãn OCOP.")

    product.refresh_from_db()
    revision.refresh_from_db()
    assert product.is_public is False
    assert product.reason_not_for_sale() == "its listing was sent back to the producer for changes"
    assert revision.status == ListingRevision.Status.SENT_BACK
    assert revision.reason == "Ảnh chụp chưa rõ nhãn OCOP."
    assert len(mail.outbox) == 1
    assert "Ảnh chụp chưa rõ nhãn OCOP." in mail.outbox[0].body
    assert "Cam bù Vũ Quang – Thùng 10 kg" in mail.outbox[0].subject


def test_the_email_goes_once_even_when_the_task_runs_twice(certified, staff, reviewer):
    from catalog.tasks import send_listing_decision

    revision = new_listing(certified, staff).revisions.get()
    approve_revision(revision, reviewer=reviewer)
    assert send_listing_decision(revision.pk) is True
    assert send_listing_decision(revision.pk) is False
    assert len(mail.outbox) == 1


def test_no_email_before_the_decision_commits(certified, staff, reviewer, django_capture_on_commit_callbacks):
    revision = new_listing(certified, staff).revisions.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approve_revision(revision, reviewer=reviewer)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_a_sent_back_new_listing_is_resubmitted_with_its_photos(certified, staff, reviewer):
    product = new_listing(certified, staff)
    send_back_revision(product.revisions.get(), reviewer=reviewer, reason="Mô tả quá ngắn")

    draft = proposal_in_progress(product)
    assert draft.status == ListingRevision.Status.SENT_BACK

    revision = propose_listing_changes(product, description="<p>Cam bù chín cây, hái tháng 11.</p>", user=staff)
    assert revision.is_new_listing and revision.is_pending
    assert revision.packaging == "Thùng 10 kg"
    assert revision.photos.count() == 1
    assert product.reason_not_for_sale() == "it is awaiting review"

    approve_revision(revision, reviewer=reviewer)
    product.refresh_from_db()
    assert product.is_public and product.images.count() == 1
    assert product.description == "<p>Cam bù chín cây, hái tháng 11.</p>"


# --- changing a live listing ------------------------------------------------------


@pytest.fixture
def live(certified, staff, reviewer):
    product = new_listing(certified, staff)
    approve_revision(product.revisions.get(), reviewer=reviewer)
    product.refresh_from_db()
    return product


def test_nothing_changed_proposes_nothing(live, staff):
    assert propose_listing_changes(live, packaging="Thùng 10 kg", description=live.description, user=staff) is None
    assert propose_listing_changes(live, user=staff) is None
    assert not live.revisions.filter(status=ListingRevision.Status.PENDING).exists()


def test_a_change_waits_for_review_and_the_live_listing_stays(live, staff, reviewer):
    first_image = live.images.get()
    revision = propose_listing_changes(
        live,
        packaging="Thùng 5 kg",
        description='<p onclick="x()">Mới</p>',
        new_photos=[photo("green"), photo("yellow")],
        removed_images=[first_image],
        user=staff,
    )
    assert revision.is_pending and not revision.is_new_listing
    assert revision.description == "<p>Mới</p>"
    assert revision.proposed_title == "Cam bù Vũ Quang – Thùng 5 kg"
    live.refresh_from_db()
    assert live.title == "Cam bù Vũ Quang – Thùng 10 kg"
    assert live.images.count() == 1
    assert Product.objects.for_sale().filter(pk=live.pk).exists()

    approve_revision(revision, reviewer=reviewer)
    live.refresh_from_db()
    assert live.title == "Cam bù Vũ Quang – Thùng 5 kg" and live.packaging == "Thùng 5 kg"
    assert live.description == "<p>Mới</p>"
    assert not ProductImage.objects.filter(pk=first_image.pk).exists()
    assert list(live.images.values_list("display_order", flat=True)) == [0, 1]


def test_a_second_proposal_updates_the_pending_revision(live, staff):
    first = propose_listing_changes(live, packaging="Thùng 5 kg", user=staff)
    second = propose_listing_changes(live, description="<p>Mô tả mới</p>", new_photos=[photo()], user=staff)
    assert second.pk == first.pk
    second.refresh_from_db()
    assert (second.packaging, second.description) == ("Thùng 5 kg", "<p>Mô tả mới</p>")
    assert second.photos.count() == 1
    assert live.revisions.filter(status=ListingRevision.Status.PENDING).count() == 1

    withdrawn = propose_listing_changes(live, withdrawn_photos=[second.photos.get()], user=staff)
    assert withdrawn.pk == first.pk and withdrawn.photos.count() == 0


def test_one_pending_revision_per_product_is_enforced_by_the_database(live, staff):
    ListingRevision.objects.create(product=live, submitted_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        ListingRevision.objects.create(product=live, submitted_by=staff)


def test_another_products_images_cannot_be_removed(live, staff):
    other = certified_product(4)
    foreign = ProductImage.objects.create(product=other, original="images/x.png")
    assert propose_listing_changes(live, removed_images=[foreign], user=staff) is None
    assert ProductImage.objects.filter(pk=foreign.pk).exists()


def test_a_listing_has_at_most_eight_photos(live, staff):
    with pytest.raises(ValidationError) as error:
        propose_listing_changes(live, new_photos=[photo() for _ in range(8)], user=staff)
    assert "photos" in error.value.message_dict


def test_approval_applies_the_certified_name(live, staff, reviewer):
    OcopCertificate.objects.filter(pk=live.certificate_id).update(product_name="Cam bù Hương Sơn")
    revision = propose_listing_changes(live, packaging="Hộp 3 kg", user=staff)
    approve_revision(revision, reviewer=reviewer)
    live.refresh_from_db()
    assert live.title == "Cam bù Hương Sơn – Hộp 3 kg"
