from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractShippingAddress
from oscar.apps.order.abstract_models import AbstractLine, AbstractOrder

from shop.partner.places import province_name, ward_name


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


class Order(AbstractOrder):
    #: The language the buyer checked out in: their e-mails are written in it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="vi")

    class Meta(AbstractOrder.Meta):
        app_label = "order"


class ShippingAddress(AbstractShippingAddress):
    """A Vietnamese delivery address: province and commune/ward are the current units' codes; Oscar's
    ``state`` and ``line4`` keep their names so that Oscar's own pages show them."""

    province_code = models.PositiveSmallIntegerField(_("province"), null=True, blank=True)
    ward_code = models.PositiveIntegerField(_("commune / ward"), null=True, blank=True)

    class Meta(AbstractShippingAddress.Meta):
        app_label = "order"

    @property
    def province_name(self):
        return province_name(self.province_code)

    @property
    def ward_name(self):
        return ward_name(self.ward_code)


#: How a buyer receives a part of an order, in the buyer's words (the channels' labels are the monthly report's).
RECEIVING_LABELS = {
    FulfilmentChannel.DELIVERY: _("Delivery to your address"),
    FulfilmentChannel.SALES_POINT_PICKUP: _("Pickup at a sales point"),
    FulfilmentChannel.FAIR_PICKUP: _("Pickup at the producer's fair booth"),
}


class FulfilmentGroup(models.Model):
    """One producer's part of an order and how the buyer receives it: delivered, or picked up at a
    sales point (from the sales point's stock) or at the producer's booth at a fair."""

    order = models.ForeignKey(
        "order.Order", on_delete=models.CASCADE, related_name="fulfilment_groups", verbose_name=_("order")
    )
    producer = models.ForeignKey(
        "partner.Partner", on_delete=models.PROTECT, related_name="fulfilment_groups", verbose_name=_("producer")
    )
    method = models.CharField(_("how it is received"), max_length=24, choices=FulfilmentChannel.choices)
    sales_point = models.ForeignKey(
        "outlets.SalesPoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pickup_groups",
        verbose_name=_("sales point"),
    )
    booth = models.ForeignKey(
        "outlets.Booth",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pickup_groups",
        verbose_name=_("fair booth"),
    )
    pickup_on = models.DateField(_("pickup day"), null=True, blank=True)
    shipping_charge = models.DecimalField(_("shipping charge"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        app_label = "order"
        ordering = ["order", "pk"]
        verbose_name = _("fulfilment group")
        verbose_name_plural = _("fulfilment groups")
        constraints = [
            models.UniqueConstraint(fields=["order", "producer"], name="one_fulfilment_group_per_producer"),
            models.CheckConstraint(
                condition=(
                    models.Q(method="delivery", sales_point__isnull=True, booth__isnull=True)
                    | models.Q(method="sales_point_pickup", sales_point__isnull=False, booth__isnull=True)
                    | models.Q(
                        method="fair_pickup", booth__isnull=False, pickup_on__isnull=False, sales_point__isnull=True
                    )
                ),
                name="fulfilment_group_place_matches_method",
            ),
        ]

    def __str__(self):
        return f"{self.order_id} · {self.producer_id} · {self.method}"

    @property
    def method_label(self):
        return RECEIVING_LABELS[self.method]

    @property
    def is_pickup(self):
        return self.method != FulfilmentChannel.DELIVERY


class Line(AbstractLine):
    fulfilment_channel = models.CharField(
        _("channel"), max_length=24, choices=FulfilmentChannel.choices, default=FulfilmentChannel.DELIVERY
    )
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    fulfilment_group = models.ForeignKey(
        FulfilmentGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("fulfilment group"),
    )

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


class OrderNotification(models.Model):
    """An e-mail an order owes someone, written in the order's transaction and sent by Celery after
    commit. A row stays unsent while the broker is down; the periodic sweep sends it when it returns."""

    class Kind(models.TextChoices):
        BUYER_CONFIRMATION = "buyer_confirmation", _("Order confirmation to the buyer")
        PRODUCER_NEW_ORDER = "producer_new_order", _("New order to a producer")
        SALES_POINT_PICKUP = "sales_point_pickup", _("Pickup to prepare, to a sales point")
        BUYER_PAYMENT_RECEIVED = "buyer_payment_received", _("Payment received, to the buyer")
        BUYER_UNPAID_CANCELLED = "buyer_unpaid_cancelled", _("Unpaid order cancelled, to the buyer")

    order = models.ForeignKey(
        "order.Order", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("order")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    partner = models.ForeignKey(
        "partner.Partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="order_notifications",
        verbose_name=_("producer or sales point"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        app_label = "order"
        ordering = ["created_at", "pk"]
        verbose_name = _("order e-mail")
        verbose_name_plural = _("order e-mails")
        constraints = [
            models.UniqueConstraint(fields=["order", "kind", "partner"], name="order_notification_once"),
            models.UniqueConstraint(
                fields=["order", "kind"], condition=models.Q(partner__isnull=True), name="order_notification_once_buyer"
            ),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.kind} {self.partner_id or ''}"


from oscar.apps.order.models import *  # noqa: E402, F403
