from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class StampsDashboardConfig(OscarDashboardConfig):
    """Traceability stamps: coordination-office officers issue, follow and revoke the stamp batches of
    their province and see suspicious batches and counterfeit reports; a producer's staff see and
    download their own batches. Every view scopes its objects itself (shop.dashboard.access)."""

    label = "stamps_dashboard"
    name = "shop.dashboard.stamps"
    verbose_name = _("Traceability stamps")
    # Officers (is_staff) and producer staff; the views narrow it down to coordination officers and
    # producers, each to their own province or batches.
    default_permissions = (["is_staff"], ["partner.dashboard_access"])
    OFFICER_PAGES = (
        "stamp-batch-create",
        "stamp-flagged-list",
        "counterfeit-report-list",
        "counterfeit-report-detail",
        "counterfeit-report-photo",
    )
    permissions_map = {name: ["is_staff"] for name in OFFICER_PAGES}

    def get_urls(self):
        from shop.dashboard.stamps import views

        urls = [
            path("", views.BatchListView.as_view(), name="stamp-batch-list"),
            path("new/", views.BatchCreateView.as_view(), name="stamp-batch-create"),
            path("flagged/", views.FlaggedBatchListView.as_view(), name="stamp-flagged-list"),
            path("<int:pk>/", views.BatchDetailView.as_view(), name="stamp-batch-detail"),
            path("<int:pk>/progress/", views.BatchProgressView.as_view(), name="stamp-batch-progress"),
            re_path(
                r"^(?P<pk>[0-9]+)/download/(?P<kind>pdf|zip)/$",
                views.BatchDownloadView.as_view(),
                name="stamp-batch-download",
            ),
            path("reports/", views.ReportListView.as_view(), name="counterfeit-report-list"),
            path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="counterfeit-report-detail"),
            path("reports/<int:pk>/photo/", views.ReportPhotoView.as_view(), name="counterfeit-report-photo"),
        ]
        return self.post_process_urls(urls)
