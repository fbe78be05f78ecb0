from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class PaymentsDashboardConfig(OscarDashboardConfig):
    """Card payments for shop staff: their state, Stripe's reconciliation flags, and refunds."""

    label = "payments_dashboard"
    name = "shop.dashboard.payments"
    verbose_name = _("Card payments")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from shop.dashboard.payments import views

        urls = [
            path("", views.CardPaymentListView.as_view(), name="card-payment-list"),
            path("<str:number>/refund/", views.RefundView.as_view(), name="card-payment-refund"),
        ]
        return self.post_process_urls(urls)
