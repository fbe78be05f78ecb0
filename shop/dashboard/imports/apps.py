from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class ImportsDashboardConfig(OscarDashboardConfig):
    """Bulk import and update of a producer's products and stock from CSV or XLSX."""

    label = "imports_dashboard"
    name = "shop.dashboard.imports"
    verbose_name = _("Imports")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        from shop.dashboard.imports import views

        urls = [
            path("", views.ImportListView.as_view(), name="producer-import-list"),
            path("upload/", views.ImportCreateView.as_view(), name="producer-import-create"),
            path("<int:pk>/", views.ImportDetailView.as_view(), name="producer-import-detail"),
            path("template.<str:fmt>", views.ImportTemplateView.as_view(), name="producer-import-template"),
        ]
        return self.post_process_urls(urls)
