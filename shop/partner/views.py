from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from catalog.models import Product
from shop.partner.models import Partner


class ProducerListView(ListView):
    template_name = "partner/producer_list.html"
    context_object_name = "producers"
    paginate_by = 48

    def get_queryset(self):
        return Partner.objects.producers().order_by("name")


class ProducerDetailView(DetailView):
    template_name = "partner/producer_detail.html"
    context_object_name = "producer"

    def get_object(self, queryset=None):
        return get_object_or_404(Partner.objects.producers(), code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["products"] = Product.objects.for_listing().filter(producer=self.object).order_by("title")
        context["booths"] = self.object.booths.filter(fair__in=_upcoming_fairs()).select_related("fair")
        return context


def _upcoming_fairs():
    from shop.outlets.models import Fair

    return Fair.objects.upcoming()
