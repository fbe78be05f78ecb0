from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import generic

from shop.dashboard.access import ProducerDashboardMixin
from shop.dashboard.fulfilment.forms import LineActionForm, OrderFilterForm
from shop.dashboard.pickups.forms import apply_pickup_action, pickup_form
from shop.order.fulfilment import (
    available_actions,
    buyer_name,
    orders_for_producer,
    producer_lines,
    producer_order_summaries,
)
from shop.order.models import FulfilmentChannel, FulfilmentGroup, Line, LineStatusEvent
from shop.order.pickups import available_group_actions, group_status


def producer_groups(producer):
    """The producer's parts of orders, with where each is received."""
    return FulfilmentGroup.objects.filter(producer=producer).select_related(
        "sales_point__partner", "booth__fair", "order__payment"
    )


def attach_groups(orders, producer):
    """Give each of ``orders`` its ``group``: the producer's part (None for an order placed without one)."""
    groups = {group.order_id: group for group in producer_groups(producer).filter(order__in=[o.pk for o in orders])}
    for order in orders:
        order.group = groups.get(order.pk)


def line_form(line, data=None):
    return LineActionForm(data, auto_id=f"id_line{line.pk}_%s")


class ProducerOrderListView(ProducerDashboardMixin, generic.ListView):
    """The orders holding the producer's products, newest first, with only the producer's part of each."""

    template_name = "oscar/dashboard/fulfilment/order_list.html"
    context_object_name = "orders"
    paginate_by = settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE

    def get_queryset(self):
        self.form = OrderFilterForm(self.request.GET or None)
        status = self.form.cleaned_data["status"] if self.form.is_valid() else ""
        return producer_order_summaries(self.producer, status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for order in context["orders"]:
            order.buyer_name = buyer_name(order)
        attach_groups(context["orders"], self.producer)
        context["form"] = self.form
        return context


class ProducerOrderDetailView(ProducerDashboardMixin, generic.DetailView):
    """One order as its producer sees it: their own lines and where to deliver them, nothing of other producers."""

    template_name = "oscar/dashboard/fulfilment/order_detail.html"
    context_object_name = "order"

    def producer_orders(self):
        """The producer's orders, with what the page shows of the buyer and the delivery address."""
        return orders_for_producer(self.producer).select_related("user", "shipping_address__country")

    def get_object(self, queryset=None):
        return get_object_or_404(self.producer_orders(), number=self.kwargs["number"])

    def post(self, request, *args, **kwargs):
        self.get_object()  # another producer's order is a 404 whatever the method
        return HttpResponseNotAllowed(["GET"])

    def get_group(self):
        """The producer's part of this order and how the buyer receives it (None: an order without groups)."""
        if not hasattr(self, "_group"):
            self._group = producer_groups(self.producer).filter(order=self.object).first()
        return self._group

    def get_context_data(self, *, submitted=None, submitted_pickup=None, **kwargs):
        """``submitted``: the (line, bound form) of a step that could not be taken, shown with its errors;
        ``submitted_pickup``: the same for a step of the whole fair pickup."""
        context = super().get_context_data(**kwargs)
        events = LineStatusEvent.objects.select_related("changed_by")
        lines = list(
            producer_lines(self.object, self.producer).prefetch_related(Prefetch("status_events", queryset=events))
        )
        group = self.get_group()
        for line in lines:
            # A pickup is moved as a whole (the sales point's staff, or the producer at their booth).
            line.actions = [] if line_is_picked_up(line, group) else available_actions(line)
            if submitted is not None and submitted[0].pk == line.pk:
                line.form = submitted[1]
            else:
                line.form = line_form(line)
        if group is not None:
            group.status_code, group.status_label = group_status(group)
            if group.method == FulfilmentChannel.FAIR_PICKUP:
                group.actions = available_group_actions(group)
                group.form = submitted_pickup or pickup_form(group)
        context.update(
            lines=lines,
            group=group,
            buyer_name=buyer_name(self.object),
            producer_total=sum(line.line_price_incl_tax for line in lines),
        )
        return context


def line_is_picked_up(line, group):
    return group is not None and group.is_pickup and line.fulfilment_group_id == group.pk


class ProducerLineUpdateView(ProducerOrderDetailView):
    """A step for one of the producer's order lines: confirm, pack, ship, deliver or cancel (POST only)."""

    def get_line(self):
        return get_object_or_404(
            Line.objects.select_related("order", "fulfilment_group"), pk=self.kwargs["pk"], partner=self.producer
        )

    def get(self, request, *args, **kwargs):
        self.get_line()  # another producer's line is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        line = self.get_line()
        form = line_form(line, request.POST)
        group = line.fulfilment_group
        if group is not None and group.is_pickup:
            # Nothing to ship: the buyer collects it, and the pickup moves as a whole.
            form.is_valid()
            form.add_error(None, pickup_refusal(group))
        elif form.is_valid():
            try:
                moved = form.apply(line, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                values = {"title": line.title, "status": line.status_label}
                if moved:
                    messages.success(request, _("“%(title)s” is now “%(status)s”.") % values)
                else:
                    messages.info(request, _("“%(title)s” was already “%(status)s”; nothing changed.") % values)
                return redirect("dashboard:producer-order-detail", number=line.order.number)
        self.object = self.producer_orders().get(pk=line.order_id)
        messages.error(request, _("The step could not be taken; see below."))
        return self.render_to_response(self.get_context_data(object=self.object, submitted=(line, form)))


def pickup_refusal(group):
    if group.method == FulfilmentChannel.SALES_POINT_PICKUP:
        return _("The buyer collects this item at a sales point, from its stock: the sales point's staff hand it over.")
    return _("The buyer collects this item at your fair booth: use “Ready for pickup” and “Collected” above.")


class ProducerPickupUpdateView(ProducerOrderDetailView):
    """Ready for pickup, collected or cancelled: one step for the producer's whole fair-booth pickup (POST only)."""

    def get_pickup(self):
        return get_object_or_404(
            producer_groups(self.producer).select_related("order"),
            pk=self.kwargs["pk"],
            method=FulfilmentChannel.FAIR_PICKUP,
        )

    def get(self, request, *args, **kwargs):
        self.get_pickup()  # another producer's pickup is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        group = self.get_pickup()
        form = apply_pickup_action(request, group, _("The step could not be taken; see below."))
        if form is None:
            return redirect("dashboard:producer-order-detail", number=group.order.number)
        self.object = self.producer_orders().get(pk=group.order_id)
        return self.render_to_response(self.get_context_data(object=self.object, submitted_pickup=form))
