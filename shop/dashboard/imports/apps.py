from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class ImportsDashboardConfig(OscarDashboardConfig):
    """Bulk import and update of a producer's products and stock from CSV or XLSX."""

    label = "imports_dashboard"
    name = "shop.dashboard.imports"
    verbose_name = _("Imports")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        urls = []
        return self.post_process_urls(urls)
