from urllib.parse import unquote

from django.conf import settings
from django.contrib import messages
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from catalog.models import Category
from search.forms import CatalogueFilterForm
from search.listing import facet_choices, loosening_links, mark_where_to_see, search_page


def without_invalid_page(request):
    """Back to the same page without its invalid ``?page=``, saying so."""
    messages.error(request, _("The given page number was invalid."))
    query = request.GET.copy()
    query.pop("page", None)
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)


class FilteredProductListView(TemplateView):
    """A page of certified products for sale from the search engine, narrowed by the filter form."""

    per_page = settings.OSCAR_PRODUCTS_PER_PAGE
    category = None

    def get_form(self):
        form = CatalogueFilterForm(self.request.GET or {})
        if not form.is_valid():
            # Unknown filter values are dropped, never an error page.
            form = CatalogueFilterForm({key: value for key, value in form.cleaned_data.items() if value})
            form.is_valid()
        return form

    def get(self, request, *args, **kwargs):
        self.form = self.get_form()
        try:
            self.page, self.results, self.products = search_page(
                self.form, page_number=request.GET.get("page"), per_page=self.per_page, category=self.category
            )
        except InvalidPage:
            return without_invalid_page(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        facets = facet_choices(self.results, self.form)
        context.update(
            filter_form=self.form,
            filter_querystring=query.urlencode(),
            products=mark_where_to_see(self.products),
            page_obj=self.page,
            paginator=self.page.paginator,
            is_paginated=self.page.paginator.num_pages > 1,
            facets=facets,
            loosening_links=loosening_links(self.request.GET, facets) if not self.results.total else [],
            search_results=self.results,
        )
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
