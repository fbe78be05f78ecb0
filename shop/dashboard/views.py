from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import redirect
from django.views.generic import TemplateView
from oscar.apps.dashboard.views import *  # noqa: F403
from oscar.apps.dashboard.views import IndexView as OscarIndexView

from catalog.models import ListingRevision, OcopCertificate, Product, today
from shop.dashboard.access import is_officer, partner_of, producer_of
from shop.order.models import Line, LineStatus
from shop.order.reports import ReportMonth, month_totals
from shop.partner.models import StockRecord
from shop.partner.stock import DEFAULT_LOW_STOCK_THRESHOLD, low_stock

HOME_LIST_LENGTH = 5


class IndexView(OscarIndexView):
    """The dashboard's front page.

    Officers go to the listing review; shop staff get Oscar's statistics of the whole shop;
    a producer's staff get their own panel (listings, stock, new orders, this month's sales)
    and a sales point's operators their low stock. Nobody else's figures ever enter.
    """

    def dispatch(self, request, *args, **kwargs):
        if is_officer(request.user) and not request.user.is_superuser:
            return redirect("dashboard:review-list")
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if self.request.user.is_staff:
            return super().get_template_names()
        return ["oscar/dashboard/index_nonstaff.html"]

    def get_context_data(self, **kwargs):
        if self.request.user.is_staff:
            return super().get_context_data(**kwargs)
        # Oscar's statistics (baskets, customers, 24-hour graph) are not for partners: skip them.
        context = TemplateView.get_context_data(self, **kwargs)
        producer = producer_of(self.request.user)
        if producer is not None:
            context.update(producer_home(producer))
        else:
            partner = partner_of(self.request.user)
            context["partner"] = partner
            if partner is not None:
                context["low_stock"] = low_stock_summary(partner)
        return context


def producer_home(producer, day=None):
    day = day or today()
    return {
        "partner": producer,
        "producer": producer,
        "listings": listing_counts(producer, day),
        "expiry_window_days": settings.OCOP_EXPIRY_REMINDER_DAYS[0],
        "low_stock": low_stock_summary(producer),
        "new_orders": new_order_summary(producer),
        "month_sales": month_totals(producer, ReportMonth.containing(day)),
        "sales_month_first_day": ReportMonth.containing(day).first_day,
    }


def listing_counts(producer, day):
    """How many of the producer's products are live, awaiting review, or not for sale and why: one query.

    The states follow catalog.listings.listing_status: a new listing awaiting its first approval is
    pending (whatever its certificate), one sent back or taken off sale is not for sale, and a public
    product is for sale when its certificate is in force with enough stars; a live product whose
    certificate ends within the first reminder window is flagged as expiring.
    """
    revisions = ListingRevision.objects.filter(product=OuterRef("pk"))
    products = Product.objects.filter(producer=producer).annotate(
        has_pending_revision=Exists(revisions.filter(status=ListingRevision.Status.PENDING)),
        is_new_listing=Exists(revisions.filter(is_new_listing=True)),
        was_approved=Exists(revisions.filter(status=ListingRevision.Status.APPROVED)),
    )
    minimum = settings.OCOP_MIN_STARS_FOR_SALE
    in_force = Q(
        certificate__status=OcopCertificate.Status.ACTIVE,
        certificate__valid_from__lte=day,
        certificate__valid_until__gte=day,
    )
    public = Q(is_public=True)
    first_review = Q(is_public=False, is_new_listing=True, was_approved=False)
    live = public & in_force & Q(certificate__stars__gte=minimum)
    counts = products.aggregate(
        total=Count("pk"),
        live=Count("pk", filter=live),
        expiring=Count(
            "pk",
            filter=live & Q(certificate__valid_until__lte=day + timedelta(days=settings.OCOP_EXPIRY_REMINDER_DAYS[0])),
        ),
        pending_new=Count("pk", filter=first_review & Q(has_pending_revision=True)),
        pending_changes=Count("pk", filter=~first_review & Q(has_pending_revision=True)),
        sent_back=Count("pk", filter=first_review & Q(has_pending_revision=False)),
        hidden=Count("pk", filter=Q(is_public=False) & ~first_review),
        withdrawn=Count("pk", filter=public & Q(certificate__status=OcopCertificate.Status.WITHDRAWN)),
        expired=Count(
            "pk",
            filter=public & Q(certificate__status=OcopCertificate.Status.ACTIVE, certificate__valid_until__lt=day),
        ),
        reduced=Count("pk", filter=public & in_force & Q(certificate__stars__lt=minimum)),
        no_certificate=Count("pk", filter=public & Q(certificate__isnull=True)),
        not_yet_valid=Count(
            "pk",
            filter=public
            & Q(
                certificate__status=OcopCertificate.Status.ACTIVE,
                certificate__valid_from__gt=day,
                certificate__valid_until__gte=day,
            ),
        ),
    )
    counts["pending"] = counts["pending_new"] + counts["pending_changes"]
    counts["other"] = counts["no_certificate"] + counts["not_yet_valid"] + counts["hidden"]
    counts["not_for_sale"] = (
        counts["withdrawn"] + counts["expired"] + counts["reduced"] + counts["sent_back"] + counts["other"]
    )
    return counts


def low_stock_summary(partner):
    """The partner's stock records running low (available below their threshold, 5 by default), lowest first."""
    records = low_stock(StockRecord.objects.filter(partner=partner))
    return {
        "count": records.count(),
        "records": list(
            records.select_related("product__parent").order_by("available", "product__title", "pk")[:HOME_LIST_LENGTH]
        ),
        "default_threshold": DEFAULT_LOW_STOCK_THRESHOLD,
    }


def new_order_summary(producer):
    """Orders with items of the producer's not yet confirmed, newest first."""
    new_lines = Line.objects.filter(partner=producer, status=LineStatus.NEW)
    totals = new_lines.aggregate(orders=Count("order", distinct=True))
    orders = list(
        new_lines.values("order__number", "order__date_placed")
        .annotate(units=Sum("quantity"))
        .order_by("-order__date_placed", "-order__number")[:HOME_LIST_LENGTH]
    )
    return {"count": totals["orders"], "orders": orders}
