from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class FulfilmentDashboardConfig(OscarDashboardConfig):
    """The orders that hold a producer's products: their own lines, moved on to delivery."""

    label = "fulfilment_dashboard"
    name = "shop.dashboard.fulfilment"
    verbose_name = _("Order fulfilment")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        from shop.dashboard.fulfilment import views

        urls = [
            path("", views.ProducerOrderListView.as_view(), name="producer-order-list"),
            path("orders/<str:number>/", views.ProducerOrderDetailView.as_view(), name="producer-order-detail"),
            path("lines/<int:pk>/", views.ProducerLineUpdateView.as_view(), name="producer-line-update"),
            path("pickups/<int:pk>/", views.ProducerPickupUpdateView.as_view(), name="producer-pickup-update"),
        ]
        return self.post_process_urls(urls)
