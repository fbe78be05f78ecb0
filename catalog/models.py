from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractCategory, AbstractProduct
from oscar.apps.catalogue.managers import ProductQuerySet

from catalog.groups import SUBGROUP_CHOICES, ProductGroup, subgroups_of
from catalog.stars import MAX_STARS, MIN_STARS, score_band, stars_for_score


def today():
    """Today's date in the site's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


class CertificateQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(
            status=OcopCertificate.Status.ACTIVE,
            valid_from__lte=day,
            valid_until__gte=day,
        )

    def for_sale_on(self, day):
        return self.valid_on(day).filter(stars__gte=settings.OCOP_MIN_STARS_FOR_SALE)


class OcopCertificate(models.Model):
    """An OCOP certificate: the star rating a council gave one product."""

    class CertifyingLevel(models.TextChoices):
        PROVINCE = "province", _("Provincial council")
        CENTRAL = "central", _("Central council")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    product = models.ForeignKey(
        "catalogue.Product",
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("product"),
    )
    number = models.CharField(_("certificate number"), max_length=64, unique=True)
    product_name = models.CharField(
        _("certified product name"),
        max_length=200,
        blank=True,
        help_text=_(
            "The product's name as the certificate gives it; listings add their packaging to it. "
            "Left empty, it is the product's title."
        ),
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(MIN_STARS), MaxValueValidator(MAX_STARS)]
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])
    group = models.CharField(_("product group"), max_length=32, choices=ProductGroup.choices)
    subgroup = models.CharField(_("sub-group"), max_length=32, choices=SUBGROUP_CHOICES)
    certifying_level = models.CharField(_("certifying council"), max_length=16, choices=CertifyingLevel.choices)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"),
        blank=True,
        help_text=_("Left empty, it is set to 36 months after the start of validity."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        app_label = "catalogue"
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("OCOP certificate")
        verbose_name_plural = _("OCOP certificates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stars__gte=MIN_STARS, stars__lte=MAX_STARS), name="certificate_stars_1_to_5"
            ),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="certificate_score_0_to_100"),
            models.CheckConstraint(
                condition=~models.Q(stars=5, certifying_level="province"), name="certificate_five_stars_central"
            ),
        ]
        indexes = [models.Index(fields=["status", "stars", "valid_from", "valid_until"])]

    def __str__(self):
        return f"{self.number} ({self.stars}★)"

    def save(self, *args, **kwargs):
        if self.valid_until is None and self.valid_from is not None:
            self.valid_until = default_valid_until(self.valid_from)
        if not self.product_name and self.product_id:
            self.product_name = self.product.title
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.score is not None and self.stars is not None and 0 <= self.score <= 100:
            if stars_for_score(self.score) != self.stars:
                lowest, highest = score_band(self.stars) if MIN_STARS <= self.stars <= MAX_STARS else (0, 100)
                errors["score"] = _(
                    "A %(stars)s-star product scores %(lowest)s to %(highest)s points, not %(score)s."
                ) % {
                    "stars": self.stars,
                    "lowest": lowest,
                    "highest": highest,
                    "score": self.score,
                }
        if self.stars == MAX_STARS and self.certifying_level != self.CertifyingLevel.CENTRAL:
            errors["certifying_level"] = _("Only the central council certifies 5-star products.")
        if self.group and self.subgroup and self.subgroup not in subgroups_of(self.group):
            errors["subgroup"] = _("This sub-group does not belong to the chosen product group.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("A certificate cannot end before it starts.")
        if self.decision_date and self.valid_from and self.valid_from < self.decision_date:
            errors["valid_from"] = _("A certificate cannot be valid before the decision that grants it.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day):
        return self.status == self.Status.ACTIVE and self.valid_from <= day <= self.valid_until

    def is_for_sale_on(self, day):
        return self.is_valid_on(day) and self.stars >= settings.OCOP_MIN_STARS_FOR_SALE

    @property
    def is_valid(self):
        return self.is_valid_on(today())

    @property
    def is_for_sale(self):
        return self.is_for_sale_on(today())

    def days_left(self, day=None):
        return (self.valid_until - (day or today())).days

    def problem_on(self, day):
        """Why this certificate stops a sale on ``day``, as a short code, or "" when it allows one:
        withdrawn, expired, not_yet_valid, reduced (below the minimum after a reduction) or low_stars."""
        return self._problem_on(day)[0]

    def _problem_on(self, day):
        """(problem code, the reduction behind a "reduced" problem or None)."""
        if self.status == self.Status.WITHDRAWN:
            return "withdrawn", None
        if day > self.valid_until:
            return "expired", None
        if day < self.valid_from:
            return "not_yet_valid", None
        if self.stars < settings.OCOP_MIN_STARS_FOR_SALE:
            reduction = self.last_reduction()
            return ("reduced" if reduction is not None else "low_stars"), reduction
        return "", None

    def reason_not_for_sale(self, day):
        """Why the product cannot be sold on ``day``, or None if it can.

        A lower-case clause in the buyer's language ("the OCOP certificate was withdrawn on
        05/03/2026"), to be set in a sentence: see shop.partner.availability.NotForSale.
        """
        problem, reduction = self._problem_on(day)
        if problem == "withdrawn":
            if self.withdrawn_on is None:
                return _("the OCOP certificate was withdrawn")
            return _("the OCOP certificate was withdrawn on %(date)s") % {"date": _short_date(self.withdrawn_on)}
        if problem == "expired":
            return _("the OCOP certificate expired: it was valid until %(date)s") % {
                "date": _short_date(self.valid_until)
            }
        if problem == "not_yet_valid":
            return _("the OCOP certificate is valid only from %(date)s") % {"date": _short_date(self.valid_from)}
        if problem == "reduced":
            return _(
                "the OCOP rating was reduced to %(stars)s stars on %(date)s; "
                "only products of %(minimum)s stars or more are sold"
            ) % {
                "stars": self.stars,
                "date": _short_date(reduction.occurred_on),
                "minimum": settings.OCOP_MIN_STARS_FOR_SALE,
            }
        if problem == "low_stars":
            return _("the OCOP rating is %(stars)s stars; only products of %(minimum)s stars or more are sold") % {
                "stars": self.stars,
                "minimum": settings.OCOP_MIN_STARS_FOR_SALE,
            }
        return None

    def last_reduction(self):
        """The reduction that set the current star level, if the last change of stars was one."""
        if "events" in getattr(self, "_prefetched_objects_cache", {}):
            # Lists of products prefetch the events, so that each row does not query them again.
            ratings = [event for event in self.events.all() if event.stars_after is not None]
            last_rating = max(ratings, key=lambda event: (event.occurred_on, event.pk), default=None)
        else:
            last_rating = self.events.filter(stars_after__isnull=False).order_by("-occurred_on", "-pk").first()
        if last_rating is not None and last_rating.kind == CertificateEvent.Kind.REDUCED:
            return last_rating
        return None


def _short_date(day):
    return date_format(day, "SHORT_DATE_FORMAT")


def default_valid_until(valid_from):
    """The last day of validity of a certificate valid from ``valid_from``: 36 months, both ends included.

    It ends the day before the same date 36 months on. When that date does not exist (a
    start on 29 February), the period runs to the end of the month instead, never shorter.
    """
    anniversary = valid_from + relativedelta(months=settings.OCOP_CERTIFICATE_VALIDITY_MONTHS)
    if anniversary.day < valid_from.day:
        return anniversary  # relativedelta stopped at the month's last day: that day is the last one
    return anniversary - timedelta(days=1)


class CertificateEvent(models.Model):
    """One change in a certificate's life, and the decision or inspection behind it."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        UPGRADED = "upgraded", _("Upgraded")
        REDUCED = "reduced", _("Reduced")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RENEWED = "renewed", _("Renewed")
        EXPIRED = "expired", _("Expired")

    certificate = models.ForeignKey(
        OcopCertificate, on_delete=models.CASCADE, related_name="events", verbose_name=_("certificate")
    )
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    stars_before = models.PositiveSmallIntegerField(_("stars before"), null=True, blank=True)
    stars_after = models.PositiveSmallIntegerField(_("stars after"), null=True, blank=True)
    score_after = models.PositiveSmallIntegerField(_("score after"), null=True, blank=True)
    valid_until_after = models.DateField(_("valid until after"), null=True, blank=True)
    reference = models.CharField(
        _("decision or inspection"),
        max_length=200,
        blank=True,
        help_text=_("Number and authority of the decision or inspection record behind this change."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        app_label = "catalogue"
        ordering = ["occurred_on", "pk"]
        verbose_name = _("certificate change")
        verbose_name_plural = _("certificate history")
        constraints = [
            # A certificate expires once per validity period: the expiry task may run twice.
            models.UniqueConstraint(
                fields=["certificate", "valid_until_after"],
                condition=models.Q(kind="expired"),
                name="certificate_expires_once_per_period",
            )
        ]

    def __str__(self):
        return f"{self.certificate.number}: {self.get_kind_display()} {self.occurred_on}"


class ExpiryReminder(models.Model):
    """A reminder sent to a producer that a certificate is about to expire."""

    certificate = models.ForeignKey(OcopCertificate, on_delete=models.CASCADE, related_name="expiry_reminders")
    days_before = models.PositiveSmallIntegerField()
    valid_until = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "catalogue"
        constraints = [
            models.UniqueConstraint(fields=["certificate", "days_before", "valid_until"], name="expiry_reminder_once")
        ]

    def __str__(self):
        return f"{self.certificate.number}: {self.days_before}"


class CertifiedProductQuerySet(ProductQuerySet):
    def certified_for_sale(self, day=None):
        """Products whose current certificate allows their sale on ``day`` (today by default), public or not."""
        day = day or today()
        return self.filter(
            certificate__status=OcopCertificate.Status.ACTIVE,
            certificate__stars__gte=settings.OCOP_MIN_STARS_FOR_SALE,
            certificate__valid_from__lte=day,
            certificate__valid_until__gte=day,
        )

    def for_sale(self, day=None):
        """Products that may be listed, found and bought on ``day`` (today by default)."""
        return self.certified_for_sale(day).filter(is_public=True)

    def for_listing(self, day=None):
        """Products for sale, with what a product card needs fetched up front."""
        return (
            self.for_sale(day)
            .browsable()
            .select_related("certificate", "producer", "product_class")
            .prefetch_related("stockrecords", "images")
        )


class Product(AbstractProduct):
    producer = models.ForeignKey(
        "partner.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to={"kind": "producer"},
        verbose_name=_("producer"),
    )
    certificate = models.ForeignKey(
        OcopCertificate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current OCOP certificate"),
    )
    packaging = models.CharField(
        _("packaging"),
        max_length=100,
        blank=True,
        help_text=_("How this listing is packed and how much it holds, e.g. “Hũ 500 g”; added to the certified name."),
    )
    weight_grams = models.PositiveIntegerField(
        _("Shipping weight (g)"),
        null=True,
        blank=True,
        help_text=_(
            "The weight of one unit as packed for delivery, in grams; delivery charged by weight uses it. "
            "Left empty, a unit counts as 500 g."
        ),
    )

    objects = CertifiedProductQuerySet.as_manager()

    class Meta(AbstractProduct.Meta):
        app_label = "catalogue"

    @property
    def stars(self):
        return self.certificate.stars if self.certificate_id else None

    def is_for_sale_on(self, day):
        return self.is_public and self.certificate_id is not None and self.certificate.is_for_sale_on(day)

    @property
    def is_for_sale(self):
        return self.is_for_sale_on(today())

    @property
    def sorted_recommended_products(self):
        """The producer's recommendations that are for sale, in ranking order, ready for product cards."""
        return list(
            Product.objects.for_listing()
            .filter(productrecommendation__primary=self)
            .order_by("-productrecommendation__ranking", "productrecommendation__id")
        )

    def reason_not_for_sale(self, day=None):
        day = day or today()
        if self.certificate_id is None:
            return _("it has no OCOP certificate")
        if not self.is_public:
            first_review = self.first_review_status()
            if first_review == ListingRevision.Status.PENDING:
                return _("it is awaiting review")
            if first_review == ListingRevision.Status.SENT_BACK:
                return _("its listing was sent back to the producer for changes")
            return _("it has been taken off sale")
        return self.certificate.reason_not_for_sale(day)

    def first_review_status(self):
        """Where a new listing stands before its first approval: pending, sent back, or None once approved
        (and for products that were never reviewed)."""
        revisions = list(self.revisions.all())  # newest first (ListingRevision.Meta.ordering)
        if not any(revision.is_new_listing for revision in revisions):
            return None
        if any(revision.status == ListingRevision.Status.APPROVED for revision in revisions):
            return None
        return revisions[0].status

    @staticmethod
    def title_for(product_name, packaging=""):
        """A listing's title: the certified name, and its packaging when it has one."""
        packaging = (packaging or "").strip()
        return f"{product_name} – {packaging}" if packaging else product_name


def _listing_photo_path(instance, filename):
    # Kept apart from the product images: nobody has reviewed these yet.
    return timezone.localdate().strftime("listings/pending/%Y/%m/") + filename


class ListingRevision(models.Model):
    """A producer's new listing, or a change to the name, description or photos of a listing.

    It goes live only when a coordination-office officer of the producer's province approves
    it; price and stock never wait for review. A product has at most one pending revision.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back")

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="revisions", verbose_name=_("product")
    )
    is_new_listing = models.BooleanField(_("new listing"), default=False)
    packaging = models.CharField(_("packaging"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    removed_images = models.ManyToManyField(
        "catalogue.ProductImage", blank=True, related_name="+", verbose_name=_("photos to remove")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason for sending back"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    producer_notified_at = models.DateTimeField(_("producer told at"), null=True, blank=True)

    class Meta:
        app_label = "catalogue"
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("listing revision")
        verbose_name_plural = _("listing revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(status="pending"), name="one_pending_revision_per_product"
            )
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.product}: {self.get_status_display()} ({self.submitted_at:%Y-%m-%d})"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def proposed_title(self):
        product = self.product
        name = product.certificate.product_name if product.certificate_id else product.title
        return Product.title_for(name, self.packaging)


class RevisionPhoto(models.Model):
    """A photo a revision proposes to add; it becomes a product image when the revision is approved."""

    revision = models.ForeignKey(
        ListingRevision, on_delete=models.CASCADE, related_name="photos", verbose_name=_("revision")
    )
    image = models.ImageField(_("photo"), upload_to=_listing_photo_path, max_length=255)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    display_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        app_label = "catalogue"
        ordering = ["display_order", "pk"]
        verbose_name = _("proposed photo")
        verbose_name_plural = _("proposed photos")

    def __str__(self):
        return self.image.name


class Category(AbstractCategory):
    """A catalogue category; the six OCOP product groups and their sub-groups are categories."""

    ocop_group = models.CharField(_("OCOP product group"), max_length=32, choices=ProductGroup.choices, blank=True)
    ocop_subgroup = models.CharField(_("OCOP sub-group"), max_length=32, choices=SUBGROUP_CHOICES, blank=True)

    class Meta(AbstractCategory.Meta):
        app_label = "catalogue"

    @property
    def display_name(self):
        """The group's name in the visitor's language; other categories keep their own name."""
        if self.ocop_subgroup:
            return self.get_ocop_subgroup_display()
        if self.ocop_group:
            return self.get_ocop_group_display()
        return self.name


from oscar.apps.catalogue.models import *  # noqa: E402, F403
