from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from catalog.models import Product
from shop.outlets.models import Fair
from shop.partner.models import Partner
from shop.partner.places import province_in_query, province_options


class ProducerListView(ListView):
    template_name = "partner/producer_list.html"
    context_object_name = "producers"
    paginate_by = 48

    def get_queryset(self):
        live = (
            Product.objects.for_sale()
            .filter(producer=OuterRef("pk"))
            .order_by()
            .values("producer")
            .annotate(count=Count("pk"))
            .values("count")
        )
        queryset = Partner.objects.producers().annotate(
            num_products=Coalesce(Subquery(live, output_field=IntegerField()), 0)
        )
        self.province = province_in_query(self.request)
        if self.province:
            queryset = queryset.filter(province_code=self.province)
        return queryset.order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provinces"] = province_options(Partner.objects.producers().values_list("province_code", flat=True))
        context["selected_province"] = self.province
        return context


class ProducerDetailView(DetailView):
    template_name = "partner/producer_detail.html"
    context_object_name = "producer"

    def get_object(self, queryset=None):
        return get_object_or_404(Partner.objects.producers(), code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["products"] = Product.objects.for_listing().filter(producer=self.object).order_by("title")
        context["booths"] = (
            self.object.booths.filter(fair__in=Fair.objects.upcoming())
            .select_related("fair")
            .order_by("fair__starts_on", "number")
        )
        return context
