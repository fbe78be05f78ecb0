from django.utils.translation import gettext_lazy as _

from search.listing import place_tabs, place_totals
from search.views.catalogue import FilteredProductListView


class FacetedSearchView(FilteredProductListView):
    """``/search/?q=``: the same filtered listing, led by the buyer's words."""

    template_name = "oscar/search/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.form.cleaned_data.get("q", "")
        context["query"] = query
        context["summary"] = _("Search results")
        context["tabs"] = place_tabs(
            query, active="products", products_total=self.results.total, place_totals=place_totals(query)
        )
        return context
