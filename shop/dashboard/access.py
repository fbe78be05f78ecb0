"""Who may work on what in the dashboard.

A producer's or sales point's staff are the users of that Oscar partner; every
object they reach is looked up through their partner, so another partner's
object is a 404. Coordination-office officers review listings of their
province only.
"""

from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.accounts.roles import Role

Partner = get_model("partner", "Partner")

OFFICER_DASHBOARD_URL_NAMES = frozenset({"index", "logout", "login", "review-list", "review-detail"})


def partner_of(user):
    """The producer or sales point ``user`` works for, or None."""
    partners = _partners_of(user)
    return partners[0] if partners else None


def producer_of(user):
    """The producer ``user`` works for, or None."""
    return next((partner for partner in _partners_of(user) if partner.kind == Partner.Kind.PRODUCER), None)


def _partners_of(user):
    # Remembered on the request's user: the menu asks for every entry.
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_dashboard_partners"):
        user._dashboard_partners = list(user.partners.order_by("pk"))
    return user._dashboard_partners


def is_officer(user):
    return user.is_authenticated and hasattr(user, "staff_profile")


def is_coordination_officer(user):
    return is_officer(user) and user.groups.filter(name=Role.COORDINATION_OFFICER).exists()


def reviewable_province(user):
    """The province whose listings ``user`` reviews: a code, None for a superuser (every province).

    Raises PermissionDenied for anyone else.
    """
    if user.is_superuser:
        return None
    if is_coordination_officer(user):
        return user.staff_profile.province_code
    raise PermissionDenied(_("Only coordination-office officers review listings."))


class ProducerDashboardMixin:
    """A page of a producer's own dashboard: ``self.producer`` is the signed-in user's producer."""

    def dispatch(self, request, *args, **kwargs):
        if producer_of(request.user) is None:
            raise PermissionDenied(_("This page is for the staff of an OCOP producer."))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def producer(self):
        return producer_of(self.request.user)


class PartnerDashboardMixin:
    """A page for the staff of a producer or a sales point: ``self.partner`` is their partner."""

    def dispatch(self, request, *args, **kwargs):
        if partner_of(request.user) is None:
            raise PermissionDenied(_("This page is for the staff of a producer or a sales point."))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def partner(self):
        return partner_of(self.request.user)


class ListingReviewerMixin:
    """A page of the listing review queue: ``self.province_code`` is the reviewer's province (None: all)."""

    def dispatch(self, request, *args, **kwargs):
        self.province_code = reviewable_province(request.user)
        return super().dispatch(request, *args, **kwargs)
