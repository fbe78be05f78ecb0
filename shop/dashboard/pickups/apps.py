from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class PickupsDashboardConfig(OscarDashboardConfig):
    """The orders a sales point's staff prepare and hand over to buyers who collect them there."""

    label = "pickups_dashboard"
    name = "shop.dashboard.pickups"
    verbose_name = _("Pickups to prepare")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        from shop.dashboard.pickups import views

        urls = [
            path("", views.PickupListView.as_view(), name="pickup-list"),
            path("<int:pk>/", views.PickupActionView.as_view(), name="pickup-action"),
        ]
        return self.post_process_urls(urls)
