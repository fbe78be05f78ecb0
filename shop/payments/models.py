from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash on delivery or at pickup")
    VIETQR = "vietqr", _("Bank transfer by VietQR")
    CARD = "card", _("Card")


class PaymentState(models.TextChoices):
    TO_COLLECT = "to_collect", _("To be paid in cash on delivery or at pickup")
    AWAITING = "awaiting", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled, unpaid")


#: The states of a payment whose money arrived (some of it may have been refunded since).
SETTLED_STATES = (PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDED)


class Payment(models.Model):
    """How one order is paid and how far it has got. Amounts are in đồng (VND has no minor unit).

    ``amount_received`` is what reached us (a transfer, or what Stripe captured); refunds can never
    exceed it, which the database checks as well as shop.payments.refunds.
    """

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="payment", verbose_name=_("order")
    )
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    state = models.CharField(_("state"), max_length=24, choices=PaymentState.choices)
    amount = models.DecimalField(_("amount due"), max_digits=12, decimal_places=0)
    amount_received = models.DecimalField(_("amount received"), max_digits=12, decimal_places=0, default=0)
    amount_refunded = models.DecimalField(_("amount refunded"), max_digits=12, decimal_places=0, default=0)
    #: The note a VietQR transfer carries, by which the transfer is matched to this order.
    transfer_note = models.CharField(_("transfer note"), max_length=25, blank=True)
    stripe_payment_intent_id = models.CharField(
        _("Stripe PaymentIntent"), max_length=255, unique=True, null=True, blank=True
    )
    #: Counts the card payment attempts: each has its own Stripe idempotency key.
    card_attempts = models.PositiveSmallIntegerField(_("card attempts"), default=0)
    pay_by = models.DateTimeField(_("to be paid by"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked received by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["state", "pay_by"], name="payment_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount_received")), name="refund_within_received"
            ),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0), name="refund_not_negative"),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.method} {self.state}"

    @property
    def refundable(self):
        return self.amount_received - self.amount_refunded

    @property
    def is_settled(self):
        return self.state in SETTLED_STATES


class Refund(models.Model):
    """Money given back through Stripe for a card payment: the whole order, or one line."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    line = models.ForeignKey(
        "order.Line", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds", verbose_name=_("line")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=0)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    stripe_refund_id = models.CharField(_("Stripe refund"), max_length=255, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return f"{self.payment_id}: {self.amount}"


class StripeEvent(models.Model):
    """A Stripe webhook event, stored once under its id: a repeated or concurrent delivery finds it here."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    payment_intent_id = models.CharField(_("PaymentIntent"), max_length=255, blank=True, db_index=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self):
        return f"{self.event_id} {self.type}"


class ReconciliationFlag(models.Model):
    """A disagreement between Stripe and our orders, found by the reconciliation task, for staff to settle."""

    class Kind(models.TextChoices):
        CHARGED_WITHOUT_PAID_ORDER = "charged_without_paid_order", _("Stripe took the money, the order is not paid")
        PAID_WITHOUT_CHARGE = "paid_without_charge", _("The order is paid, Stripe has no successful payment")
        AMOUNT_MISMATCH = "amount_mismatch", _("Stripe's amount differs from the order's")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    payment_intent_id = models.CharField(_("PaymentIntent"), max_length=255)
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, null=True, blank=True, related_name="flags", verbose_name=_("payment")
    )
    details = models.TextField(_("details"), blank=True)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-pk"]
        verbose_name = _("reconciliation flag")
        verbose_name_plural = _("reconciliation flags")
        constraints = [
            models.UniqueConstraint(fields=["kind", "payment_intent_id"], name="reconciliation_flag_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.payment_intent_id}"
