from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from catalog.models import Product, today
from shop.outlets.models import Booth, Fair, SalesPoint
from shop.partner.models import StockRecord
from shop.partner.places import province_in_query, province_options


def certified_stock(partner_ref):
    """Stock records of a partner for products on sale today."""
    return StockRecord.objects.filter(partner=partner_ref, product__in=Product.objects.for_sale())


class SalesPointListView(ListView):
    template_name = "outlets/sales_point_list.html"
    context_object_name = "sales_points"
    paginate_by = 48

    def get_queryset(self):
        num_products = (
            certified_stock(OuterRef("partner")).order_by().values("partner").annotate(c=Count("pk")).values("c")
        )
        queryset = (
            SalesPoint.objects.exclude(status=SalesPoint.Status.CLOSED)
            .select_related("partner")
            .annotate(num_products=Coalesce(Subquery(num_products, output_field=IntegerField()), 0))
        )
        self.province = province_in_query(self.request)
        if self.province:
            queryset = queryset.filter(partner__province_code=self.province)
        return queryset.order_by("partner__province_code", "partner__name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provinces"] = province_options(
            SalesPoint.objects.exclude(status=SalesPoint.Status.CLOSED).values_list("partner__province_code", flat=True)
        )
        context["selected_province"] = self.province
        return context


class SalesPointDetailView(DetailView):
    template_name = "outlets/sales_point_detail.html"
    context_object_name = "sales_point"

    def get_object(self, queryset=None):
        return get_object_or_404(SalesPoint.objects.select_related("partner"), partner__code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stock"] = (
            certified_stock(self.object.partner)
            .select_related("product", "product__certificate", "product__producer")
            .order_by("product__title")
        )
        return context


class FairListView(ListView):
    template_name = "outlets/fair_list.html"
    context_object_name = "fairs"

    def get_queryset(self):
        return Fair.objects.upcoming().annotate(num_booths=Count("booths")).order_by("starts_on", "name")

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
            .prefetch_related(
                Prefetch(
                    "products",
                    queryset=Product.objects.for_sale().select_related("certificate").order_by("title"),
                )
            )
        )
        return context
