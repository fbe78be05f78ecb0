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
from shop.order.fulfilment import (
    available_actions,
    buyer_name,
    orders_for_producer,
    producer_lines,
    producer_order_summaries,
)
from shop.order.models import Line, LineStatusEvent


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

    def get_context_data(self, *, submitted=None, **kwargs):
        """``submitted``: the (line, bound form) of a step that could not be taken, shown with its errors."""
        context = super().get_context_data(**kwargs)
        events = LineStatusEvent.objects.select_related("changed_by")
        lines = list(
            producer_lines(self.object, self.producer).prefetch_related(Prefetch("status_events", queryset=events))
        )
        for line in lines:
            line.actions = available_actions(line)
            if submitted is not None and submitted[0].pk == line.pk:
                line.form = submitted[1]
            else:
                line.form = line_form(line)
        context.update(
            lines=lines,
            buyer_name=buyer_name(self.object),
            producer_total=sum(line.line_price_incl_tax for line in lines),
        )
        return context


class ProducerLineUpdateView(ProducerOrderDetailView):
    """A step for one of the producer's order lines: confirm, pack, ship, deliver or cancel (POST only)."""

    def get_line(self):
        return get_object_or_404(Line.objects.select_related("order"), pk=self.kwargs["pk"], partner=self.producer)

    def get(self, request, *args, **kwargs):
        self.get_line()  # another producer's line is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        line = self.get_line()
        form = line_form(line, request.POST)
        if form.is_valid():
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
