from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner

from shop.partner.places import province_choices, province_name, ward_belongs_to_province, ward_name


class PartnerQuerySet(models.QuerySet):
    def producers(self):
        return self.filter(kind=Partner.Kind.PRODUCER)

    def sales_points(self):
        return self.filter(kind=Partner.Kind.SALES_POINT)


class Partner(AbstractPartner):
    """An Oscar partner: an OCOP producer, or a sales point that holds stock."""

    class Kind(models.TextChoices):
        PRODUCER = "producer", _("Producer")
        SALES_POINT = "sales_point", _("Sales point")

    class ProducerKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        COOPERATIVE = "cooperative", _("Cooperative (HTX)")
        COOPERATIVE_GROUP = "cooperative_group", _("Cooperative group (THT)")
        HOUSEHOLD = "household", _("Household business")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRODUCER)
    producer_kind = models.CharField(_("type of producer"), max_length=24, choices=ProducerKind.choices, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    province_code = models.PositiveSmallIntegerField(
        _("province"), choices=province_choices, null=True, blank=True, db_index=True
    )
    ward_code = models.PositiveIntegerField(_("commune / ward"), null=True, blank=True)
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    story = models.TextField(_("story"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="partners/", blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta(AbstractPartner.Meta):
        app_label = "partner"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.PRODUCER and not self.producer_kind:
            errors["producer_kind"] = _("Say what type of producer this is.")
        if not self.province_code:
            errors["province_code"] = _("Choose the province.")
        if not self.ward_code:
            errors["ward_code"] = _("Choose the commune or ward.")
        if self.province_code and self.ward_code and not ward_belongs_to_province(self.ward_code, self.province_code):
            errors["ward_code"] = _("This commune or ward is not in the chosen province.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_producer(self):
        return self.kind == self.Kind.PRODUCER

    @property
    def province_name(self):
        return province_name(self.province_code)

    @property
    def ward_name(self):
        return ward_name(self.ward_code)

    @property
    def full_address(self):
        return ", ".join(part for part in (self.street_address, self.ward_name, self.province_name) if part)

    def get_absolute_url(self):
        if self.kind == self.Kind.SALES_POINT:
            return self.sales_point.get_absolute_url()
        return reverse("partner:producer-detail", kwargs={"code": self.code})


class ShippingRate(models.Model):
    """What a producer charges to deliver one order's worth of their goods: a flat charge, or a base
    charge plus a charge per started kilogram; free from the threshold the producer sets."""

    class Kind(models.TextChoices):
        FLAT = "flat", _("Flat charge")
        BY_WEIGHT = "by_weight", _("By weight")

    producer = models.OneToOneField(
        "partner.Partner",
        on_delete=models.CASCADE,
        related_name="shipping_rate",
        limit_choices_to={"kind": "producer"},
        verbose_name=_("producer"),
    )
    kind = models.CharField(_("how delivery is charged"), max_length=16, choices=Kind.choices, default=Kind.FLAT)
    base_charge = models.DecimalField(
        _("charge per order"),
        max_digits=12,
        decimal_places=0,
        default=30000,
        validators=[MinValueValidator(0)],
        help_text=_("In đồng. By weight, this covers the first kilogram."),
    )
    charge_per_kg = models.DecimalField(
        _("charge per further kilogram"),
        max_digits=12,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("In đồng, for each started kilogram after the first."),
    )
    free_above = models.DecimalField(
        _("free delivery from"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Orders of this producer's goods worth at least this much (in đồng) are delivered free. Leave empty for never."
        ),
    )

    class Meta:
        app_label = "partner"
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")

    def __str__(self):
        return f"{self.producer_id}: {self.kind}"


class StockRecordChange(models.Model):
    """One change to a stock record's price or number in stock: what it was, what it became, who and why."""

    class Source(models.TextChoices):
        DASHBOARD = "dashboard", _("Dashboard")
        IMPORT = "import", _("Bulk import")
        ORDER_CANCELLED = "order_cancelled", _("Order line cancelled")
        ORDER_SHIPPED = "order_shipped", _("Order line shipped")

    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="changes", verbose_name=_("stock record")
    )
    price_before = models.DecimalField(_("price before"), max_digits=12, decimal_places=2, null=True, blank=True)
    price_after = models.DecimalField(_("price after"), max_digits=12, decimal_places=2, null=True, blank=True)
    num_in_stock_before = models.PositiveIntegerField(_("in stock before"), null=True, blank=True)
    num_in_stock_after = models.PositiveIntegerField(_("in stock after"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.DASHBOARD)
    note = models.CharField(_("note"), max_length=255, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        app_label = "partner"
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["stockrecord", "-changed_at"], name="stockrecordchange_history")]
        verbose_name = _("stock record change")
        verbose_name_plural = _("stock record changes")

    def __str__(self):
        return f"{self.stockrecord_id} {self.changed_at:%Y-%m-%d %H:%M} {self.source}"

    @property
    def price_changed(self):
        return self.price_before != self.price_after

    @property
    def num_in_stock_changed(self):
        return self.num_in_stock_before != self.num_in_stock_after


from oscar.apps.partner.models import *  # noqa: E402, F403
