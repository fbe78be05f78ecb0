from urllib.parse import unquote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from catalog.models import Category
from search.catalogue import filter_products
from search.forms import CatalogueFilterForm


class FilteredProductListView(ListView):
    """A page of certified products for sale, narrowed by the filter form."""

    context_object_name = "products"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE
    category = None

    def get_form(self):
        return CatalogueFilterForm(self.request.GET or None)

    def get_queryset(self):
        self.form = self.get_form()
        if self.form.is_bound and not self.form.is_valid():
            # Unknown filter values are dropped, never an error page.
            self.form = CatalogueFilterForm({k: v for k, v in self.form.cleaned_data.items() if v})
            self.form.is_valid()
        elif not self.form.is_bound:
            self.form = CatalogueFilterForm({})
            self.form.is_valid()
        return filter_products(self.form, category=self.category)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            messages.error(request, _("The given page number was invalid."))
            return redirect(request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.form
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_querystring"] = query.urlencode()
        return context


class CatalogueView(FilteredProductListView):
    template_name = "oscar/catalogue/browse.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = _("All products")
        return context


class ProductCategoryView(FilteredProductListView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=self.kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404()
        expected_path = self.category.get_absolute_url()
        if unquote(expected_path) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected_path)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        context["summary"] = self.category.display_name
        return context
