from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class OfficersStayOutOfShopDashboard:
    """Keep government officers out of Oscar's dashboard.

    Officers need ``is_staff`` for the Django admin, where their work is scoped to
    their province; Oscar's dashboard takes every ``is_staff`` user for a shop
    administrator of all producers. Superusers keep both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "dashboard" not in match.namespaces[:1]:
            return None
        user = request.user
        if user.is_authenticated and not user.is_superuser and hasattr(user, "staff_profile"):
            raise PermissionDenied(_("Officers work in the administration at /django-admin/, for their province."))
        return None
