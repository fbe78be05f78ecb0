from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class ProducerReportsDashboardConfig(OscarDashboardConfig):
    """A producer's monthly report: units and revenue per product and per channel."""

    label = "producer_reports_dashboard"
    name = "shop.dashboard.producer_reports"
    verbose_name = _("Monthly report")
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        from shop.dashboard.producer_reports import views

        urls = [
            path("", views.MonthlyReportView.as_view(), name="producer-report"),
            path(
                "<int:year>/<int:month>/<str:fmt>/",
                views.MonthlyReportDownloadView.as_view(),
                name="producer-report-download",
            ),
        ]
        return self.post_process_urls(urls)
