"""A producer's listings: creating and changing them, and the listing review.

A new listing, or a change to a listing's name (its packaging: the certified name
itself comes from the OCOP certificate), description or photos, is a
ListingRevision that goes live only when a coordination-office officer of the
producer's province approves it. Price and stock never wait for review: they
belong to the stock record and change at once.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from catalog.groups import ProductGroup
from catalog.models import ListingRevision, OcopCertificate, Product, RevisionPhoto, today
from catalog.photos import schedule_thumbnails
from catalog.richtext import clean_rich_text
from catalog.slugs import ascii_slug
from shop.partner.prices import validated_price
from shop.partner.stock import validated_num_in_stock

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

# A listing shows at most this many photos, counting those awaiting review.
MAX_PHOTOS_PER_LISTING = 8
PACKAGING_MAX_LENGTH = Product._meta.get_field("packaging").max_length


# --- what a producer may list ------------------------------------------------


def certificates_for_new_listing(producer, day=None):
    """The producer's certificates that allow a sale today: in force, 3★ or more, and still the
    current certificate of the product they were issued for (not one a newer certificate replaced)."""
    day = day or today()
    return (
        OcopCertificate.objects.for_sale_on(day)
        .filter(product__producer=producer, product__certificate=F("pk"))
        .select_related("product")
        .order_by("product_name", "number")
    )


def _check_certificate(producer, certificate, day=None):
    day = day or today()
    if certificate is None or certificate.product.producer_id != producer.pk:
        raise ValidationError({"certificate": _("Choose one of your own OCOP certificates.")})
    if not certificate.is_for_sale_on(day) or certificate.product.certificate_id != certificate.pk:
        raise ValidationError(
            {
                "certificate": _(
                    "This certificate does not allow a sale: a listing needs a certificate in force "
                    "with %(minimum)s stars or more."
                )
                % {"minimum": settings.OCOP_MIN_STARS_FOR_SALE}
            }
        )


def valid_price(price):
    """A price in whole đồng (VND has no minor unit), greater than zero; errors keyed by "price"."""
    try:
        return validated_price(price)
    except ValidationError as error:
        raise ValidationError({"price": error.messages}) from None


def valid_stock(num_in_stock):
    """A stock count, a whole number 0 or more; errors keyed by "num_in_stock"."""
    try:
        return validated_num_in_stock(num_in_stock)
    except ValidationError as error:
        raise ValidationError({"num_in_stock": error.messages}) from None


def _clean_packaging(packaging):
    packaging = " ".join((packaging or "").split())
    if len(packaging) > PACKAGING_MAX_LENGTH:
        raise ValidationError(
            {"packaging": _("Keep the packaging under %(limit)s characters.") % {"limit": PACKAGING_MAX_LENGTH}}
        )
    return packaging


def listing_slug(title):
    """An ASCII slug of a Vietnamese title ('đ' kept as 'd', which slugify would drop)."""
    return ascii_slug(title)[:128] or "san-pham"


def _product_class_for(certificate):
    certified = certificate.product
    if certified.product_class_id:
        return certified.product_class
    group = ProductGroup(certificate.group)
    with translation.override("vi"):
        name = str(group.label)
    product_class, _created = ProductClass.objects.get_or_create(
        slug=f"ocop-{group.value}",
        defaults={"name": name, "requires_shipping": group != ProductGroup.TOURISM, "track_stock": True},
    )
    return product_class


def _categories_for(certificate):
    categories = list(Category.objects.filter(product=certificate.product))
    if not categories:
        categories = list(Category.objects.filter(ocop_subgroup=certificate.subgroup)[:1])
    return categories


# --- creating and changing listings -----------------------------------------


@transaction.atomic
def create_listing(
    *,
    producer,
    certificate,
    packaging="",
    description="",
    price,
    num_in_stock,
    photos=(),
    user,
    partner_sku=None,
):
    """A new listing of ``producer`` under ``certificate``: hidden until an officer approves its first revision.

    Creates the product, the producer's stock record (price and stock, live at once) and the pending
    revision with the packaging, the description and ``photos`` (files already checked by
    catalog.photos.clean_photo, as PhotoField gives them). Raises ValidationError, keyed by field.
    """
    _check_certificate(producer, certificate)
    packaging = _clean_packaging(packaging)
    description = clean_rich_text(description)
    price = valid_price(price)
    num_in_stock = valid_stock(num_in_stock)
    photos = list(photos)
    _check_photo_count(len(photos))

    title = Product.title_for(certificate.product_name, packaging)
    product = Product(
        structure=Product.STANDALONE,
        title=title,
        slug=listing_slug(title),
        product_class=_product_class_for(certificate),
        producer=producer,
        certificate=certificate,
        is_public=False,
    )
    product.save()
    for category in _categories_for(certificate):
        ProductCategory.objects.create(product=product, category=category)
    StockRecord.objects.create(
        product=product,
        partner=producer,
        partner_sku=partner_sku or f"{producer.code}-p{product.pk}",
        price=price,
        price_currency=settings.OSCAR_DEFAULT_CURRENCY,
        num_in_stock=num_in_stock,
    )
    revision = ListingRevision.objects.create(
        product=product,
        is_new_listing=True,
        packaging=packaging,
        description=description,
        submitted_by=user,
    )
    _add_photos(revision, photos)
    return product


def _check_photo_count(count):
    if count > MAX_PHOTOS_PER_LISTING:
        raise ValidationError(
            {"photos": _("A listing has at most %(limit)s photos.") % {"limit": MAX_PHOTOS_PER_LISTING}}
        )


def _add_photos(revision, photos, start=0):
    for order, photo in enumerate(photos, start=start):
        RevisionPhoto.objects.create(revision=revision, image=photo, display_order=order)


def pending_revision(product):
    return product.revisions.filter(status=ListingRevision.Status.PENDING).first()


def _never_approved(product):
    return not product.revisions.filter(status=ListingRevision.Status.APPROVED).exists()


def proposal_in_progress(product):
    """The proposal a producer is working on: the pending revision, or for a new listing that was sent
    back, the revision sent back (nothing of it is live yet). None when the live listing is the base."""
    pending = pending_revision(product)
    if pending is not None:
        return pending
    if product.is_public or not _never_approved(product):
        return None
    return product.revisions.filter(is_new_listing=True).order_by("-submitted_at", "-pk").first()


@transaction.atomic
def propose_listing_changes(
    product,
    *,
    packaging=None,
    description=None,
    new_photos=(),
    removed_images=(),
    withdrawn_photos=(),
    restored_images=(),
    user,
):
    """Submit a change to a listing's packaging, description or photos for review.

    ``None`` leaves a text as it is; ``removed_images`` are the product's live images to take down;
    ``withdrawn_photos`` are new photos of the proposal the producer no longer proposes, and
    ``restored_images`` images the pending revision would take down that are to stay after all. A
    pending revision is updated rather than doubled. Returns the pending revision, or None when
    nothing reviewable changed.
    """
    product = Product.objects.select_for_update(of=("self",)).select_related("certificate").get(pk=product.pk)
    pending = pending_revision(product)
    draft = proposal_in_progress(product)
    resubmitting_new_listing = pending is None and draft is not None

    base_packaging = draft.packaging if draft is not None else product.packaging
    base_description = draft.description if draft is not None else product.description
    new_packaging = base_packaging if packaging is None else _clean_packaging(packaging)
    new_description = base_description if description is None else clean_rich_text(description)
    new_photos = list(new_photos)

    removed = list(product.images.filter(pk__in=[getattr(image, "pk", image) for image in removed_images]))
    already_removed = set(pending.removed_images.values_list("pk", flat=True)) if pending else set()
    newly_removed = [image for image in removed if image.pk not in already_removed]
    restored_ids = {getattr(image, "pk", image) for image in restored_images} & already_removed
    restored_ids -= {image.pk for image in removed}
    already_removed -= restored_ids
    kept_photos = list(draft.photos.all()) if draft is not None else []
    withdrawn_ids = {getattr(photo, "pk", photo) for photo in withdrawn_photos}
    withdrawn = [photo for photo in kept_photos if photo.pk in withdrawn_ids]
    kept_photos = [photo for photo in kept_photos if photo.pk not in withdrawn_ids]

    changed = (
        new_packaging != base_packaging
        or new_description != base_description
        or bool(new_photos)
        or bool(newly_removed)
        or bool(withdrawn)
        or bool(restored_ids)
    )
    if not changed and not resubmitting_new_listing:
        return None

    live_images = product.images.exclude(pk__in=already_removed | {image.pk for image in removed}).count()
    _check_photo_count(live_images + len(kept_photos) + len(new_photos))

    if pending is None:
        revision = ListingRevision.objects.create(
            product=product,
            is_new_listing=draft is not None and draft.is_new_listing,
            packaging=new_packaging,
            description=new_description,
            submitted_by=user,
        )
        # A resubmitted new listing keeps the photos it was sent back with (they were never live).
        for order, photo in enumerate(kept_photos):
            RevisionPhoto.objects.create(
                revision=revision, image=photo.image.name, caption=photo.caption, display_order=order
            )
    else:
        revision = pending
        revision.packaging = new_packaging
        revision.description = new_description
        revision.submitted_by = user
        revision.submitted_at = timezone.now()
        revision.save(update_fields=["packaging", "description", "submitted_by", "submitted_at"])
        RevisionPhoto.objects.filter(pk__in=[photo.pk for photo in withdrawn]).delete()
        revision.removed_images.remove(*restored_ids)
    revision.removed_images.add(*removed)
    _add_photos(revision, new_photos, start=revision.photos.count())
    return revision


# --- the review ---------------------------------------------------------------


def _lock_pending(revision):
    """The product and the revision, locked in that order (the order propose_listing_changes uses)."""
    product = Product.objects.select_for_update(of=("self",)).select_related("certificate").get(pk=revision.product_id)
    revision = ListingRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != ListingRevision.Status.PENDING:
        raise ValidationError(_("This revision has already been decided."))
    revision.product = product
    return product, revision


@transaction.atomic
def approve_revision(revision, *, reviewer):
    """Put a pending revision live: packaging and title, description, photos; a new listing goes public."""
    product, revision = _lock_pending(revision)
    product.packaging = revision.packaging
    product.title = revision.proposed_title
    product.description = revision.description
    if revision.is_new_listing:
        product.is_public = True
    product.save()

    for image in revision.removed_images.filter(product=product):
        image.delete()  # Oscar's delete renumbers the remaining images
    next_order = product.images.count()
    new_images = []
    for order, photo in enumerate(revision.photos.all(), start=next_order):
        image = ProductImage(product=product, caption=photo.caption, display_order=order)
        with photo.image.open("rb") as source:
            image.original.save(PurePosixPath(photo.image.name).name, ContentFile(source.read()), save=False)
        image.save()
        new_images.append(image)

    revision.status = ListingRevision.Status.APPROVED
    revision.reason = ""
    revision.decided_by = reviewer
    revision.decided_at = timezone.now()
    revision.save(update_fields=["status", "reason", "decided_by", "decided_at"])

    for image in new_images:
        schedule_thumbnails(image)
    _tell_producer(revision)
    return revision


@transaction.atomic
def send_back_revision(revision, *, reviewer, reason):
    """Return a pending revision to the producer with the reason; nothing of it goes live."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the listing is sent back, so that the producer can put it right.")})
    _product, revision = _lock_pending(revision)
    revision.status = ListingRevision.Status.SENT_BACK
    revision.reason = reason
    revision.decided_by = reviewer
    revision.decided_at = timezone.now()
    revision.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _tell_producer(revision)
    return revision


def _tell_producer(revision):
    from catalog.tasks import send_listing_decision

    revision_id = revision.pk
    transaction.on_commit(lambda: send_listing_decision.delay(revision_id))


def reviewable_revisions(province_code):
    """The revisions an officer of ``province_code`` reviews (every province's for None)."""
    revisions = ListingRevision.objects.select_related(
        "product", "product__producer", "product__certificate", "submitted_by", "decided_by"
    )
    if province_code is not None:
        revisions = revisions.filter(product__producer__province_code=province_code)
    return revisions


# --- where each listing stands -------------------------------------------------


class ListingState(models.TextChoices):
    LIVE = "live", gettext_lazy("Live")
    PENDING = "pending", gettext_lazy("Pending review")
    SENT_BACK = "sent_back", gettext_lazy("Sent back")
    NOT_FOR_SALE = "not_for_sale", gettext_lazy("Not for sale")


@dataclass
class ListingStatus:
    """Where a listing stands, for its producer: ``state`` (ListingState), why, and what to watch."""

    state: str
    reason: str = ""
    problem: str = ""  # not for sale: no_certificate, hidden, withdrawn, expired, not_yet_valid, reduced, low_stars
    pending_change: object = None  # a pending revision of a live listing
    expires_on: object = None  # set when the certificate runs out within the first reminder's window
    sent_back_change: object = None  # the last change of a live listing, when it was sent back
    notes: list = field(default_factory=list)

    @property
    def label(self):
        return ListingState(self.state).label

    @property
    def is_live(self):
        return self.state == ListingState.LIVE


def with_listing_status(products):
    """``products`` with what listing_status needs fetched in a fixed number of queries."""
    return products.select_related("certificate").prefetch_related(
        "revisions",  # newest first (ListingRevision.Meta.ordering)
        "certificate__events",
    )


def certificate_problem(certificate, day):
    """Why a certificate stops a sale on ``day`` (a short code), or "" when it allows one."""
    if certificate is None:
        return "no_certificate"
    return certificate.problem_on(day)


def listing_status(product, day=None):
    day = day or today()
    revisions = list(product.revisions.all())  # newest first (ListingRevision.Meta.ordering)
    pending = next((revision for revision in revisions if revision.is_pending), None)
    certificate = product.certificate

    first_review = product.first_review_status() if not product.is_public else None
    if first_review == ListingRevision.Status.PENDING:
        status = ListingStatus(ListingState.PENDING, reason=_("A new listing, awaiting the coordination office."))
    elif first_review == ListingRevision.Status.SENT_BACK:
        status = ListingStatus(ListingState.SENT_BACK, reason=revisions[0].reason)
    elif not product.is_public:
        status = ListingStatus(
            ListingState.NOT_FOR_SALE, reason=str(product.reason_not_for_sale(day)), problem="hidden"
        )
    else:
        problem = certificate_problem(certificate, day)
        if problem:
            status = ListingStatus(
                ListingState.NOT_FOR_SALE, reason=str(product.reason_not_for_sale(day)), problem=problem
            )
        else:
            status = ListingStatus(ListingState.LIVE)

    if product.is_public or first_review is None:
        if pending is not None:
            status.pending_change = pending
            status.notes.append(
                _("Changes awaiting review since %(date)s.")
                % {"date": date_format(timezone.localtime(pending.submitted_at), "SHORT_DATE_FORMAT")}
            )
        elif revisions and revisions[0].status == ListingRevision.Status.SENT_BACK:
            status.sent_back_change = revisions[0]
            status.notes.append(_("Changes sent back: %(reason)s") % {"reason": revisions[0].reason})

    if certificate is not None and status.state in (ListingState.LIVE, ListingState.PENDING):
        window = timedelta(days=settings.OCOP_EXPIRY_REMINDER_DAYS[0])
        if certificate.is_valid_on(day) and certificate.valid_until <= day + window:
            status.expires_on = certificate.valid_until
            status.notes.append(
                _("The OCOP certificate expires on %(date)s: ask the coordination office to re-evaluate it in time.")
                % {"date": date_format(certificate.valid_until, "SHORT_DATE_FORMAT")}
            )
    return status
