from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine


class LineStatus(models.TextChoices):
    """Where a producer's order line is on its way to the buyer (OSCAR_LINE_STATUS_PIPELINE)."""

    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class FulfilmentChannel(models.TextChoices):
    """How the buyer receives a line; the monthly report counts sales per channel."""

    DELIVERY = "delivery", _("Online, delivered")
    SALES_POINT_PICKUP = "sales_point_pickup", _("Pickup at a sales point")
    FAIR_PICKUP = "fair_pickup", _("Pickup at a fair")


class Line(AbstractLine):
    fulfilment_channel = models.CharField(
        _("channel"), max_length=24, choices=FulfilmentChannel.choices, default=FulfilmentChannel.DELIVERY
    )
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta(AbstractLine.Meta):
        app_label = "order"

    @property
    def status_label(self):
        try:
            return LineStatus(self.status).label
        except ValueError:
            return self.status


class LineStatusEvent(models.Model):
    """One step of an order line's way to the buyer, shown to the buyer on their order page."""

    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="status_events")
    status = models.CharField(_("status"), max_length=16, choices=LineStatus.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    # Set when the buyer has been e-mailed about this step, so a retried task never mails twice.
    buyer_notified_at = models.DateTimeField(_("buyer notified at"), null=True, blank=True)

    class Meta:
        app_label = "order"
        ordering = ["changed_at", "pk"]
        verbose_name = _("order line step")
        verbose_name_plural = _("order line steps")

    def __str__(self):
        return f"{self.line_id}: {self.status}"


class MonthlyReportDispatch(models.Model):
    """The monthly report of one producer for one month was e-mailed: it goes once, however often the task runs."""

    producer = models.ForeignKey(
        "partner.Partner",
        on_delete=models.CASCADE,
        related_name="monthly_report_dispatches",
        verbose_name=_("producer"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        app_label = "order"
        ordering = ["-year", "-month", "producer"]
        verbose_name = _("monthly report sent")
        verbose_name_plural = _("monthly reports sent")
        constraints = [
            models.UniqueConstraint(fields=["producer", "year", "month"], name="monthly_report_once_per_month"),
        ]

    def __str__(self):
        return f"{self.producer_id}: {self.year}-{self.month:02d}"


from oscar.apps.order.models import *  # noqa: E402, F403
