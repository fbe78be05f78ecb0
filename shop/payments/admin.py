from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.payments.models import Payment, ReconciliationFlag, Refund, StripeEvent


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("amount", "line", "reason", "stripe_refund_id", "created_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # refunds go through Stripe: the dashboard's refund page


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("order", "method", "state", "amount", "amount_received", "amount_refunded", "pay_by", "paid_at")
    list_filter = ("method", "state")
    search_fields = ("order__number", "stripe_payment_intent_id", "transfer_note")
    raw_id_fields = ("order", "received_by")
    readonly_fields = (
        "amount_received",
        "amount_refunded",
        "stripe_payment_intent_id",
        "card_attempts",
        "paid_at",
        "received_by",
        "created_at",
        "updated_at",
    )
    inlines = [RefundInline]


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "payment_intent_id", "received_at", "processed_at", "outcome")
    list_filter = ("type",)
    search_fields = ("event_id", "payment_intent_id")
    readonly_fields = ("event_id", "type", "payment_intent_id", "received_at", "processed_at", "outcome")


@admin.action(description=_("Mark as resolved"))
def mark_resolved(modeladmin, request, queryset):
    queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())


@admin.register(ReconciliationFlag)
class ReconciliationFlagAdmin(admin.ModelAdmin):
    list_display = ("kind", "payment_intent_id", "payment", "found_at", "resolved_at")
    list_filter = ("kind", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("payment_intent_id", "payment__order__number", "details")
    readonly_fields = ("kind", "payment_intent_id", "payment", "details", "found_at")
    actions = [mark_resolved]
