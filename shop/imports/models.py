from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ProductImport(models.Model):
    """A producer's sheet of products and stock, read and checked row by row, then applied once.

    ``rows`` holds each row's outcome (see shop.imports.services): at upload the preview,
    after applying what was done to each row.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not applied")
        APPLIED = "applied", _("Applied")

    producer = models.ForeignKey(
        "partner.Partner",
        on_delete=models.CASCADE,
        related_name="product_imports",
        limit_choices_to={"kind": "producer"},
        verbose_name=_("producer"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("applied by"),
    )
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    create_count = models.PositiveIntegerField(_("new products"), default=0)
    update_count = models.PositiveIntegerField(_("updated products"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged rows"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    applied_count = models.PositiveIntegerField(_("rows applied"), default=0)
    failed_count = models.PositiveIntegerField(_("rows not applied"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")
        indexes = [models.Index(fields=["producer", "-created_at"])]

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("dashboard:producer-import-detail", kwargs={"pk": self.pk})

    @property
    def is_applied(self):
        return self.status == self.Status.APPLIED

    @property
    def valid_row_count(self):
        """Rows that applying would change: new products and updates."""
        return self.create_count + self.update_count
