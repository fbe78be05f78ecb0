from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class TransfersDashboardConfig(OscarDashboardConfig):
    """VietQR bank transfers awaited: shop staff (every order) and producers (orders holding their goods)
    mark one received once they see the money on the account."""

    label = "transfers_dashboard"
    name = "shop.dashboard.transfers"
    verbose_name = _("Bank transfers to check")
    default_permissions = (["is_staff"], ["partner.dashboard_access"])

    def get_urls(self):
        from shop.dashboard.transfers import views

        urls = [
            path("", views.TransferListView.as_view(), name="transfer-list"),
            path("<int:pk>/received/", views.TransferReceivedView.as_view(), name="transfer-received"),
        ]
        return self.post_process_urls(urls)
