from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class OfficersStayOutOfShopDashboard:
    """Keep government officers out of Oscar's dashboard, but for the listing review.

    Officers need ``is_staff`` for the Django admin, where their work is scoped to
    their province; Oscar's dashboard takes every ``is_staff`` user for a shop
    administrator of all producers. Coordination-office officers review listings
    in the dashboard (shop.dashboard.review), which scopes them itself.
    Superusers keep everything.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from shop.dashboard.access import OFFICER_DASHBOARD_URL_NAMES

        match = request.resolver_match
        if match is None or "dashboard" not in match.namespaces[:1]:
            return None
        user = request.user
        if user.is_authenticated and not user.is_superuser and hasattr(user, "staff_profile"):
            if match.url_name not in OFFICER_DASHBOARD_URL_NAMES:
                raise PermissionDenied(_("Officers work in the administration at /django-admin/, for their province."))
        return None
