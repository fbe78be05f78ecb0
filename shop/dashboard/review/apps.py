from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class ReviewDashboardConfig(OscarDashboardConfig):
    """The coordination office's queue of new and changed listings to approve or send back."""

    label = "review_dashboard"
    name = "shop.dashboard.review"
    verbose_name = _("Listing review")
    default_permissions = ["is_staff"]

    def get_urls(self):
        from shop.dashboard.review import views

        urls = [
            path("", views.ReviewListView.as_view(), name="review-list"),
            path("<int:pk>/", views.ReviewDetailView.as_view(), name="review-detail"),
        ]
        return self.post_process_urls(urls)
