from django.shortcuts import redirect
from oscar.apps.dashboard.views import *  # noqa: F403
from oscar.apps.dashboard.views import IndexView as OscarIndexView

from shop.dashboard.access import is_officer


class IndexView(OscarIndexView):
    """The dashboard's front page: officers go to the listing review; shop staff get Oscar's."""

    def dispatch(self, request, *args, **kwargs):
        if is_officer(request.user) and not request.user.is_superuser:
            return redirect("dashboard:review-list")
        return super().dispatch(request, *args, **kwargs)
