from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class StockDashboardConfig(OscarDashboardConfig):
    """Stock and prices of a producer's or sales point's own stock records, with their history."""

    label = "stock_dashboard"
    name = "shop.dashboard.stock"
    verbose_name = _("Stock and prices")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        from shop.dashboard.stock import views

        urls = [
            path("", views.StockListView.as_view(), name="producer-stock-list"),
            path("<int:pk>/", views.StockRecordUpdateView.as_view(), name="producer-stockrecord-update"),
        ]
        return self.post_process_urls(urls)
