from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.partner.places import province_choices, province_name
from shop.stamps.codes import CODE_LENGTH, format_serial, serial_prefix
from shop.stamps.storage import private_storage


class SerialCounter(models.Model):
    """The last serial number given out in a province in a year; serials run on across batches."""

    province_code = models.PositiveSmallIntegerField(_("province"), choices=province_choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last serial number"), default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")
        constraints = [models.UniqueConstraint(fields=["province_code", "year"], name="one_serial_counter_a_year")]

    def __str__(self):
        return f"{serial_prefix(self.province_code, self.year)}: {self.last_number}"


class InProvinceQuerySet(models.QuerySet):
    def in_province(self, province_code):
        """Those of a province; ``None`` means every province (a superuser)."""
        return self if province_code is None else self.filter(province_code=province_code)


class StampBatchQuerySet(InProvinceQuerySet):
    def flagged(self):
        """Batches whose latest suspicious-scan flag no officer has looked at yet."""
        return self.filter(flagged_at__isnull=False).filter(
            models.Q(flag_reviewed_at__isnull=True) | models.Q(flag_reviewed_at__lt=models.F("flagged_at"))
        )


class StampBatch(models.Model):
    """Stamps the provincial coordination office issues to a producer for one certified product."""

    class Status(models.TextChoices):
        GENERATING = "generating", _("Generating stamps")
        PRINTING = "printing", _("Preparing print files")
        READY = "ready", _("Ready")

    province_code = models.PositiveSmallIntegerField(_("province"), choices=province_choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    first_number = models.PositiveIntegerField(_("first serial number"))
    quantity = models.PositiveIntegerField(
        _("number of stamps"),
        validators=[MinValueValidator(1), MaxValueValidator(settings.OCOP_STAMP_MAX_BATCH)],
    )
    producer = models.ForeignKey(
        "partner.Partner",
        on_delete=models.PROTECT,
        related_name="stamp_batches",
        limit_choices_to={"kind": "producer"},
        verbose_name=_("producer"),
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="stamp_batches", verbose_name=_("product")
    )
    certificate = models.ForeignKey(
        "catalogue.OcopCertificate",
        on_delete=models.PROTECT,
        related_name="stamp_batches",
        verbose_name=_("OCOP certificate"),
        help_text=_("The certificate in force when the stamps were issued."),
    )
    lot = models.CharField(_("production lot"), max_length=64)
    produced_on = models.DateField(_("production date"))
    expires_on = models.DateField(
        _("expiry date"), null=True, blank=True, help_text=_("Leave empty for goods that do not expire.")
    )
    notes = models.TextField(_("notes"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.GENERATING)
    generated_count = models.PositiveIntegerField(_("stamps generated"), default=0)
    pdf_file = models.FileField(_("printable PDF"), storage=private_storage, max_length=255, blank=True)
    zip_file = models.FileField(_("QR images (ZIP)"), storage=private_storage, max_length=255, blank=True)
    flagged_at = models.DateTimeField(_("flagged as suspicious at"), null=True, blank=True)
    flagged_stamp_count = models.PositiveIntegerField(_("suspicious stamps"), default=0)
    flag_reviewed_at = models.DateTimeField(_("flag reviewed at"), null=True, blank=True)
    flag_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("flag reviewed by"),
    )

    objects = StampBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("stamp batch")
        verbose_name_plural = _("stamp batches")
        constraints = [
            models.UniqueConstraint(fields=["province_code", "year", "first_number"], name="batch_serials_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="batch_has_stamps"),
        ]

    def __str__(self):
        return f"{self.first_serial} – {self.last_serial}"

    @property
    def last_number(self):
        return self.first_number + self.quantity - 1

    def serial(self, number):
        return format_serial(self.province_code, self.year, number)

    @property
    def serial_prefix(self):
        return serial_prefix(self.province_code, self.year)

    @property
    def first_serial(self):
        return self.serial(self.first_number)

    @property
    def last_serial(self):
        return self.serial(self.last_number)

    @property
    def province_name(self):
        return province_name(self.province_code)

    @property
    def progress_percent(self):
        return min(100, self.generated_count * 100 // self.quantity) if self.quantity else 100

    @property
    def is_flagged(self):
        return self.flagged_at is not None and (
            self.flag_reviewed_at is None or self.flag_reviewed_at < self.flagged_at
        )


class RevocationReason(models.TextChoices):
    LOST_OR_STOLEN = "lost", _("Lost or stolen")
    MISPRINTED = "misprinted", _("Damaged or misprinted")
    PRODUCT_RECALLED = "recalled", _("Product recalled")
    CERTIFICATE_WITHDRAWN = "certificate", _("OCOP certificate withdrawn")
    COUNTERFEIT = "counterfeit", _("Copied onto counterfeit goods")
    OTHER = "other", _("Other reason")


class StampRevocation(models.Model):
    """An officer's decision to revoke one stamp, a range of serials or a whole batch."""

    batch = models.ForeignKey(
        StampBatch, on_delete=models.CASCADE, related_name="revocations", verbose_name=_("stamp batch")
    )
    first_number = models.PositiveIntegerField(_("first serial number"))
    last_number = models.PositiveIntegerField(_("last serial number"))
    reason = models.CharField(_("reason"), max_length=16, choices=RevocationReason.choices)
    note = models.TextField(_("note"), blank=True)
    stamp_count = models.PositiveIntegerField(_("stamps revoked"), default=0)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), default=timezone.now)

    class Meta:
        ordering = ["-revoked_at", "-pk"]
        verbose_name = _("stamp revocation")
        verbose_name_plural = _("stamp revocations")

    def __str__(self):
        return f"{self.first_serial} – {self.last_serial}: {self.get_reason_display()}"

    @property
    def first_serial(self):
        return self.batch.serial(self.first_number)

    @property
    def last_serial(self):
        return self.batch.serial(self.last_number)


class Stamp(models.Model):
    """One printed stamp: its serial number in the batch and the secret code its QR code holds."""

    batch = models.ForeignKey(StampBatch, on_delete=models.PROTECT, related_name="stamps", verbose_name=_("batch"))
    number = models.PositiveIntegerField(_("serial number"))
    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    revocation = models.ForeignKey(
        StampRevocation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stamps",
        verbose_name=_("revocation"),
    )
    scan_count = models.PositiveIntegerField(_("scans"), default=0)
    first_scanned_at = models.DateTimeField(_("first scanned at"), null=True, blank=True)
    last_scanned_at = models.DateTimeField(_("last scanned at"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "number"]
        verbose_name = _("stamp")
        verbose_name_plural = _("stamps")
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="stamp_number_unique_in_batch")]

    def __str__(self):
        return self.serial

    @property
    def serial(self):
        return self.batch.serial(self.number)

    @property
    def is_revoked(self):
        return self.revocation_id is not None


class StampScan(models.Model):
    """One look-up of a stamp's page. Nothing personal: a keyed hash of the network prefix
    (IPv4 /24, IPv6 /48) and the time."""

    stamp = models.ForeignKey(Stamp, on_delete=models.CASCADE, related_name="scans", verbose_name=_("stamp"))
    scanned_at = models.DateTimeField(_("scanned at"), default=timezone.now, db_index=True)
    network = models.CharField(_("network (hashed)"), max_length=16)

    class Meta:
        verbose_name = _("stamp scan")
        verbose_name_plural = _("stamp scans")
        indexes = [models.Index(fields=["stamp", "scanned_at"], name="stamp_scans_by_time")]

    def __str__(self):
        return f"{self.stamp_id} @ {self.scanned_at:%Y-%m-%d %H:%M}"


def _report_photo_path(instance, filename):
    return timezone.localdate().strftime("counterfeit-reports/%Y/%m/") + filename


class CounterfeitReport(models.Model):
    """A buyer's report of goods with a stamp that did not verify or looked wrong."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        INVESTIGATING = "investigating", _("Being investigated")
        CLOSED = "closed", _("Closed")

    stamp = models.ForeignKey(
        Stamp,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counterfeit_reports",
        verbose_name=_("stamp"),
    )
    code = models.CharField(_("code scanned"), max_length=64, blank=True)
    province_code = models.PositiveSmallIntegerField(
        _("province where it was bought"), choices=province_choices, db_index=True
    )
    place = models.CharField(_("where it was bought"), max_length=200)
    description = models.TextField(_("what looked wrong"))
    photo = models.ImageField(
        _("photo"), upload_to=_report_photo_path, storage=private_storage, max_length=255, blank=True
    )
    contact = models.CharField(_("phone or e-mail (optional)"), max_length=200, blank=True)
    network = models.CharField(_("network (hashed)"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    officer_note = models.TextField(_("officer's note"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    objects = InProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("counterfeit report")
        verbose_name_plural = _("counterfeit reports")

    def __str__(self):
        return f"{self.place} ({self.created_at:%Y-%m-%d})"

    @property
    def province_name(self):
        return province_name(self.province_code)
