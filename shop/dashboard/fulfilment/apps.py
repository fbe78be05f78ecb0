from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class FulfilmentDashboardConfig(OscarDashboardConfig):
    """The orders that hold a producer's products: their own lines, moved on to delivery."""

    label = "fulfilment_dashboard"
    name = "shop.dashboard.fulfilment"
    verbose_name = _("Order fulfilment")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        urls = []
        return self.post_process_urls(urls)
