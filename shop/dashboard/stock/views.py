from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import generic
from oscar.core.loading import get_model

from shop.dashboard.access import PartnerDashboardMixin
from shop.dashboard.stock.forms import StockRecordForm, StockSearchForm
from shop.partner.stock import (
    DEFAULT_LOW_STOCK_THRESHOLD,
    change_stock_record,
    is_low_stock,
    set_low_stock_threshold,
    with_stock_levels,
)

StockRecord = get_model("partner", "StockRecord")
StockRecordChange = get_model("partner", "StockRecordChange")
ProductImage = get_model("catalogue", "ProductImage")

HISTORY_LENGTH = 50


class StockListView(PartnerDashboardMixin, generic.ListView):
    """The partner's own stock records: price, stock, allocations, and which are running low."""

    template_name = "oscar/dashboard/stock/stock_list.html"
    context_object_name = "stockrecords"
    paginate_by = settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE

    def get_queryset(self):
        self.form = StockSearchForm(self.request.GET or None)
        records = (
            with_stock_levels(StockRecord.objects.filter(partner=self.partner))
            .select_related("product__parent", "product__certificate")
            .prefetch_related(Prefetch("product__images", queryset=ProductImage.objects.order_by("display_order")))
            .order_by("product__title", "pk")
        )
        if self.form.is_valid():
            query = self.form.cleaned_data["q"].strip()
            if query:
                records = records.filter(
                    Q(product__title__icontains=query)
                    | Q(product__parent__title__icontains=query)
                    | Q(partner_sku__icontains=query)
                    | Q(product__upc__icontains=query)
                )
            if self.form.cleaned_data["low_stock"]:
                records = records.filter(is_low_stock=True)
        return records

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            is_filtered=self.form.is_valid() and any(self.form.cleaned_data.values()),
            partner=self.partner,
            default_low_stock_threshold=DEFAULT_LOW_STOCK_THRESHOLD,
        )
        return context


class StockRecordUpdateView(PartnerDashboardMixin, generic.FormView):
    """Change the price and stock of one of the partner's stock records (live at once) and see its history."""

    template_name = "oscar/dashboard/stock/stockrecord_form.html"
    form_class = StockRecordForm

    @cached_property
    def stockrecord(self):
        records = with_stock_levels(StockRecord.objects.filter(partner=self.partner))
        return get_object_or_404(records.select_related("product__parent"), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.stockrecord  # noqa: B018 - another partner's record is a 404
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.stockrecord  # noqa: B018 - another partner's record is a 404 before the post is read
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        record = self.stockrecord
        return {
            "price": f"{record.price:.0f}" if record.price is not None else "",
            "num_in_stock": record.num_in_stock if record.num_in_stock is not None else 0,
            "low_stock_threshold": record.low_stock_threshold,
        }

    def form_valid(self, form):
        record = self.stockrecord
        try:
            with transaction.atomic():
                change = change_stock_record(
                    record,
                    price=form.cleaned_data["price"],
                    num_in_stock=form.cleaned_data["num_in_stock"],
                    user=self.request.user,
                    source=StockRecordChange.Source.DASHBOARD,
                )
                threshold_changed = set_low_stock_threshold(record, form.cleaned_data["low_stock_threshold"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        title = record.product.get_title()
        if change is None and not threshold_changed:
            messages.info(self.request, _("Nothing changed for “%(title)s”.") % {"title": title})
        else:
            messages.success(self.request, _("“%(title)s”: saved, live now.") % {"title": title})
        return redirect(reverse("dashboard:producer-stockrecord-update", kwargs={"pk": record.pk}))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.stockrecord
        context.update(
            stockrecord=record,
            product=record.product,
            is_low_stock=is_low_stock(record),
            history=list(record.changes.select_related("changed_by")[:HISTORY_LENGTH]),
            history_length=HISTORY_LENGTH,
            default_low_stock_threshold=DEFAULT_LOW_STOCK_THRESHOLD,
        )
        return context
