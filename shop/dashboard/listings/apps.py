from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class ListingsDashboardConfig(OscarDashboardConfig):
    """A producer's products, photos, stock and prices, and their public producer page."""

    label = "listings_dashboard"
    name = "shop.dashboard.listings"
    verbose_name = _("Listings")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        from shop.dashboard.listings import views

        urls = [
            path("", views.ProductListView.as_view(), name="producer-product-list"),
            path("new/", views.ProductCreateView.as_view(), name="producer-product-create"),
            path("<int:pk>/", views.ProductUpdateView.as_view(), name="producer-product-update"),
            path("producer-page/", views.ProducerProfileView.as_view(), name="producer-profile"),
        ]
        return self.post_process_urls(urls)
