from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class ListingsDashboardConfig(OscarDashboardConfig):
    """A producer's products, photos, stock and prices, and their public producer page."""

    label = "listings_dashboard"
    name = "shop.dashboard.listings"
    verbose_name = _("Listings")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        urls = []
        return self.post_process_urls(urls)
