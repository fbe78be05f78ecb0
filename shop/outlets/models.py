from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.models import today
from catalog.slugs import ascii_slug
from shop.partner.places import province_choices, province_name, ward_name


def osm_url(latitude, longitude):
    """An OpenStreetMap link centred on a point."""
    return f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}"


class SalesPointQuerySet(models.QuerySet):
    def open_to_buyers(self):
        return self.filter(status=SalesPoint.Status.OPERATING)


class SalesPoint(models.Model):
    """An OCOP introduction and sales point (Decision 920/QĐ-BCT, 950/QĐ-BCT).

    Its name, address and the stock it holds belong to its Oscar partner.
    """

    class Kind(models.TextChoices):
        CENTRE = "centre", _("OCOP centre")
        POINT = "point", _("OCOP sales point")

    class LocationCategory(models.TextChoices):
        TRANSPORT = "transport", _("Station or rest stop")
        MALL = "mall", _("Shopping mall")
        SUPERMARKET = "supermarket", _("Supermarket")
        MARKET = "market", _("Market")
        TOURIST_AREA = "tourist_area", _("Tourist area or site")
        HOSPITALITY = "hospitality", _("Hotel or restaurant")
        CRAFT_VILLAGE = "craft_village", _("Craft village")
        COMMERCIAL_CENTRE = "commercial_centre", _("Commercial centre")
        FAIR_GROUND = "fair_ground", _("Fair and exhibition ground")
        POST_OFFICE = "post_office", _("Post office")

    class Status(models.TextChoices):
        OPERATING = "operating", _("Open")
        SUSPENDED = "suspended", _("Temporarily closed")
        CLOSED = "closed", _("Closed")

    partner = models.OneToOneField(
        "partner.Partner",
        on_delete=models.CASCADE,
        related_name="sales_point",
        limit_choices_to={"kind": "sales_point"},
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.POINT)
    location_category = models.CharField(_("location"), max_length=24, choices=LocationCategory.choices)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200)
    operator = models.CharField(_("operator"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPERATING)
    description = models.TextField(_("description"), blank=True)

    objects = SalesPointQuerySet.as_manager()

    class Meta:
        ordering = ["partner__name"]
        verbose_name = _("sales point")
        verbose_name_plural = _("sales points")

    def __str__(self):
        return self.partner.name

    @property
    def name(self):
        return self.partner.name

    def get_absolute_url(self):
        return reverse("outlets:sales-point-detail", kwargs={"code": self.partner.code})

    @property
    def map_url(self):
        return osm_url(self.latitude, self.longitude)


class FairQuerySet(models.QuerySet):
    def upcoming(self, day=None):
        """Fairs that have not ended yet: running now or still to come."""
        return self.filter(ends_on__gte=day or today())


class Fair(models.Model):
    """A trade fair or festival where producers show and sell at booths."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    venue = models.CharField(_("venue"), max_length=200)
    province_code = models.PositiveSmallIntegerField(_("province"), choices=province_choices)
    ward_code = models.PositiveIntegerField(_("commune / ward"))
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    objects = FairQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "name"]
        verbose_name = _("fair")
        verbose_name_plural = _("fairs")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="fair_ends_after_start")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A fair cannot end before it starts.")})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = ascii_slug(f"{self.name}-{self.starts_on:%Y}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("outlets:fair-detail", kwargs={"slug": self.slug})

    @property
    def province_name(self):
        return province_name(self.province_code)

    @property
    def full_address(self):
        parts = (self.venue, self.street_address, ward_name(self.ward_code), self.province_name)
        return ", ".join(part for part in parts if part)

    @property
    def map_url(self):
        if self.latitude is None or self.longitude is None:
            return ""
        return osm_url(self.latitude, self.longitude)

    def is_running_on(self, day):
        return self.starts_on <= day <= self.ends_on

    @property
    def is_over(self):
        return self.ends_on < today()

    @property
    def is_on(self):
        return self.is_running_on(today())


class Booth(models.Model):
    """A producer's stand (gian hàng) at a fair, and the products it shows."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="booths", verbose_name=_("fair"))
    number = models.CharField(_("booth number"), max_length=16)
    producer = models.ForeignKey(
        "partner.Partner",
        on_delete=models.CASCADE,
        related_name="booths",
        limit_choices_to={"kind": "producer"},
        verbose_name=_("producer"),
    )
    products = models.ManyToManyField(
        "catalogue.Product", blank=True, related_name="booths", verbose_name=_("products shown")
    )

    class Meta:
        ordering = ["fair", "number"]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        constraints = [models.UniqueConstraint(fields=["fair", "number"], name="booth_number_unique_in_fair")]

    def __str__(self):
        return f"{self.number} — {self.fair}"
