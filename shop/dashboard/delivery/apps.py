from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class DeliveryDashboardConfig(OscarDashboardConfig):
    """What a producer charges to deliver their goods (their ShippingRate)."""

    label = "delivery_dashboard"
    name = "shop.dashboard.delivery"
    verbose_name = _("Delivery charges")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        from shop.dashboard.delivery import views

        urls = [path("", views.ShippingRateView.as_view(), name="producer-shipping-rate")]
        return self.post_process_urls(urls)
