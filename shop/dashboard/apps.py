import oscar.apps.dashboard.apps as apps
from django.apps import apps as django_apps
from django.urls import include, path


class DashboardConfig(apps.DashboardConfig):
    """Oscar's dashboard, with the pages where producers and sales points run their own shop window
    and where coordination-office officers review listings and issue traceability stamps."""

    name = "shop.dashboard"

    def configure_permissions(self):
        super().configure_permissions()
        # The front page is the partners' home panel too (shop.dashboard.views.IndexView); our
        # DashboardPermission keeps partner users out of Oscar's other pages.
        self.permissions_map["index"] = (["is_staff"], ["partner.dashboard_access"])

    def ready(self):
        super().ready()
        self.listings_app = django_apps.get_app_config("listings_dashboard")
        self.stock_app = django_apps.get_app_config("stock_dashboard")
        self.review_app = django_apps.get_app_config("review_dashboard")
        self.imports_app = django_apps.get_app_config("imports_dashboard")
        self.fulfilment_app = django_apps.get_app_config("fulfilment_dashboard")
        self.producer_reports_app = django_apps.get_app_config("producer_reports_dashboard")
        self.stamps_app = django_apps.get_app_config("stamps_dashboard")
        self.payments_app = django_apps.get_app_config("payments_dashboard")
        self.delivery_app = django_apps.get_app_config("delivery_dashboard")
        self.pickups_app = django_apps.get_app_config("pickups_dashboard")
        self.transfers_app = django_apps.get_app_config("transfers_dashboard")

    def get_urls(self):
        urls = [
            path("listings/", include(self.listings_app.urls[0])),
            path("stock/", include(self.stock_app.urls[0])),
            path("review/", include(self.review_app.urls[0])),
            path("imports/", include(self.imports_app.urls[0])),
            path("fulfilment/", include(self.fulfilment_app.urls[0])),
            path("monthly-report/", include(self.producer_reports_app.urls[0])),
            path("stamps/", include(self.stamps_app.urls[0])),
            path("payments/", include(self.payments_app.urls[0])),
            path("delivery-charges/", include(self.delivery_app.urls[0])),
            path("pickups/", include(self.pickups_app.urls[0])),
            path("transfers/", include(self.transfers_app.urls[0])),
        ]
        return super().get_urls() + self.post_process_urls(urls)
