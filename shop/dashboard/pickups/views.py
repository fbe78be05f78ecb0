from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import generic

from shop.dashboard.access import SalesPointDashboardMixin
from shop.dashboard.pickups.forms import apply_pickup_action, pickup_form
from shop.order.fulfilment import buyer_name
from shop.order.pickups import available_group_actions, group_lines, group_status, sales_point_pickups


def buyer_phone(order):
    address = order.shipping_address
    return str(address.phone_number) if address is not None and address.phone_number else ""


def decorate_pickup(group, submitted=None):
    """What the page shows of ``group``: buyer, lines, state, actions and the form (with its errors
    when ``submitted`` is this group's (group, form) that failed)."""
    group.buyer_name = buyer_name(group.order)
    group.buyer_phone = buyer_phone(group.order)
    group.buyer_email = group.order.email
    group.line_list = group_lines(group)
    group.status_code, group.status_label = group_status(group)
    group.actions = available_group_actions(group)
    group.payment = getattr(group.order, "payment", None)
    if submitted is not None and submitted[0].pk == group.pk:
        group.form = submitted[1]
    else:
        group.form = pickup_form(group)
    return group


class PickupListView(SalesPointDashboardMixin, generic.ListView):
    """The orders buyers collect at this sales point and that are not done with yet, oldest first."""

    template_name = "oscar/dashboard/pickups/pickup_list.html"
    context_object_name = "groups"
    paginate_by = settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE
    submitted = None

    def get_queryset(self):
        self.show_closed = self.request.GET.get("show") == "all"
        return sales_point_pickups(self.sales_point_partner, include_closed=self.show_closed)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = context["groups"]
        for group in groups:
            decorate_pickup(group, self.submitted)
        context.update(sales_point=self.sales_point_partner, show_closed=self.show_closed)
        return context


class PickupActionView(PickupListView):
    """Ready for pickup, collected, or cancelled (with a reason): one step for a whole pickup, POST only."""

    def get_group(self):
        return get_object_or_404(
            sales_point_pickups(self.sales_point_partner, include_closed=True), pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        self.get_group()  # another sales point's pickup is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        group = self.get_group()
        form = apply_pickup_action(request, group, _("The step could not be taken; see the order below."))
        if form is None:
            return redirect("dashboard:pickup-list")
        self.submitted = (group, form)
        return self.render_list()

    def render_list(self):
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())
