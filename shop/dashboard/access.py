"""Who may work on what in the dashboard.

A producer's or sales point's staff are the users of that Oscar partner; every
object they reach is looked up through their partner, so another partner's
object is a 404. Coordination-office officers review listings, and issue and
follow traceability stamps, of their province only.
"""

from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.accounts.roles import Role
from shop.partner.places import province_name

Partner = get_model("partner", "Partner")

# The traceability stamp pages (shop.dashboard.stamps), which scope officers to their province.
STAMP_DASHBOARD_URL_NAMES = frozenset(
    {
        "stamp-batch-list",
        "stamp-batch-create",
        "stamp-batch-detail",
        "stamp-batch-progress",
        "stamp-batch-download",
        "stamp-flagged-list",
        "counterfeit-report-list",
        "counterfeit-report-detail",
        "counterfeit-report-photo",
    }
)
OFFICER_DASHBOARD_URL_NAMES = (
    frozenset({"index", "logout", "login", "review-list", "review-detail"}) | STAMP_DASHBOARD_URL_NAMES
)


def partner_of(user):
    """The producer or sales point ``user`` works for, or None."""
    partners = _partners_of(user)
    return partners[0] if partners else None


def producer_of(user):
    """The producer ``user`` works for, or None."""
    return next((partner for partner in _partners_of(user) if partner.kind == Partner.Kind.PRODUCER), None)


def sales_point_of(user):
    """The sales point partner ``user`` operates, or None."""
    return next((partner for partner in _partners_of(user) if partner.kind == Partner.Kind.SALES_POINT), None)


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
    if not is_officer(user):
        return False
    # Remembered on the request's user: the menu asks for every entry.
    if not hasattr(user, "_is_coordination_officer"):
        user._is_coordination_officer = user.groups.filter(name=Role.COORDINATION_OFFICER).exists()
    return user._is_coordination_officer


def coordination_office_province(user, refusal):
    """The province whose coordination-office work ``user`` does: a code, None for a superuser (every
    province). Raises PermissionDenied with ``refusal`` for anyone else."""
    if user.is_superuser:
        return None
    if is_coordination_officer(user):
        return user.staff_profile.province_code
    raise PermissionDenied(refusal)


def reviewable_province(user):
    """The province whose listings ``user`` reviews: a code, None for a superuser (every province).

    Raises PermissionDenied for anyone else.
    """
    return coordination_office_province(user, _("Only coordination-office officers review listings."))


def stamp_province(user):
    """The province whose traceability stamps ``user`` issues and follows: a code, None for a superuser
    (every province).

    Raises PermissionDenied for anyone else.
    """
    return coordination_office_province(
        user, _("Only coordination-office officers issue and follow traceability stamps.")
    )


class ProducerDashboardMixin:
    """A page of a producer's own dashboard: ``self.producer`` is the signed-in user's producer."""

    def dispatch(self, request, *args, **kwargs):
        if producer_of(request.user) is None:
            raise PermissionDenied(_("This page is for the staff of an OCOP producer."))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def producer(self):
        return producer_of(self.request.user)


class SalesPointDashboardMixin:
    """A page of a sales point's own dashboard: ``self.sales_point_partner`` is the signed-in user's sales point."""

    def dispatch(self, request, *args, **kwargs):
        if sales_point_of(request.user) is None:
            raise PermissionDenied(_("This page is for the staff of an OCOP sales point."))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def sales_point_partner(self):
        return sales_point_of(self.request.user)


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


class StampOfficerMixin:
    """A page of the coordination office's stamp work: ``self.province_code`` is the officer's province
    (None: a superuser, every province)."""

    def dispatch(self, request, *args, **kwargs):
        self.province_code = stamp_province(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "province_name": province_name(self.province_code) if self.province_code else ""
        }


class StampBatchViewerMixin:
    """A page about stamp batches for coordination officers (their province's batches) and for a
    producer's staff (their own batches, read-only).

    ``self.is_officer`` tells which; ``self.province_code`` is the officer's province (None: every
    province), ``self.producer`` the staff member's producer.
    """

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        self.province_code = None
        self.producer = None
        self.is_officer = user.is_superuser or is_coordination_officer(user)
        if self.is_officer:
            self.province_code = stamp_province(user)
        else:
            self.producer = producer_of(user)
            if self.producer is None:
                raise PermissionDenied(
                    _("This page is for coordination-office officers and the staff of an OCOP producer.")
                )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "province_name": province_name(self.province_code) if self.province_code else ""
        }

    def visible_batches(self):
        """The batches this user may see: an officer's province's, or the producer's own."""
        from shop.stamps.models import StampBatch

        if self.is_officer:
            return StampBatch.objects.in_province(self.province_code)
        return StampBatch.objects.filter(producer=self.producer)
