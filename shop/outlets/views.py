from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from catalog.models import Product, today
from shop.outlets.models import Booth, Fair, SalesPoint
from shop.partner.models import StockRecord


class SalesPointListView(ListView):
    template_name = "outlets/sales_point_list.html"
    context_object_name = "sales_points"
    paginate_by = 48

    def get_queryset(self):
        queryset = SalesPoint.objects.exclude(status=SalesPoint.Status.CLOSED).select_related("partner")
        province = self.request.GET.get("province", "")
        if province.isdigit():
            queryset = queryset.filter(partner__province_code=int(province))
        return queryset.order_by("partner__province_code", "partner__name")


class SalesPointDetailView(DetailView):
    template_name = "outlets/sales_point_detail.html"
    context_object_name = "sales_point"

    def get_object(self, queryset=None):
        return get_object_or_404(SalesPoint.objects.select_related("partner"), partner__code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stock"] = (
            StockRecord.objects.filter(partner=self.object.partner, product__in=Product.objects.for_sale())
            .select_related("product", "product__certificate", "product__producer")
            .order_by("product__title")
        )
        return context


class FairListView(ListView):
    template_name = "outlets/fair_list.html"
    context_object_name = "fairs"

    def get_queryset(self):
        return Fair.objects.upcoming()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["past_fairs"] = Fair.objects.filter(ends_on__lt=today()).order_by("-starts_on")[:12]
        return context


class FairDetailView(DetailView):
    template_name = "outlets/fair_detail.html"
    context_object_name = "fair"
    model = Fair

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["booths"] = (
            Booth.objects.filter(fair=self.object)
            .select_related("producer")
            .prefetch_related(Prefetch("products", queryset=Product.objects.for_sale().select_related("certificate")))
        )
        return context
