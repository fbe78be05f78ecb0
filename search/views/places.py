"""``/search/sales-points/?q=`` and ``/search/fairs/?q=``: the sales points and fairs matching the
buyer's words, on tabs beside the products' (``/search/?q=``)."""

from django.core.paginator import InvalidPage
from django.views.generic import TemplateView

from search.listing import place_tabs, places_page, products_total
from search.place_records import FAIR, SALES_POINT
from search.views.catalogue import without_invalid_page

MAX_QUERY = 200


class PlaceSearchView(TemplateView):
    template_name = "oscar/search/places.html"
    kind = SALES_POINT
    per_page = 20

    def get(self, request, *args, **kwargs):
        self.query = request.GET.get("q", "").strip()[:MAX_QUERY]
        try:
            self.page, self.results, self.places = places_page(
                self.kind, self.query, page_number=request.GET.get("page"), per_page=self.per_page
            )
        except InvalidPage:
            return without_invalid_page(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            query=self.query,
            kind=self.kind,
            places=self.places,
            page_obj=self.page,
            paginator=self.page.paginator,
            is_paginated=self.page.paginator.num_pages > 1,
            search_results=self.results,
            tabs=place_tabs(
                self.query,
                active=self.kind,
                products_total=products_total(self.query),
                place_totals=self.results.totals,
            ),
        )
        return context


class SalesPointSearchView(PlaceSearchView):
    kind = SALES_POINT


class FairSearchView(PlaceSearchView):
    kind = FAIR
