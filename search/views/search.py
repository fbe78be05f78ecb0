from django.utils.translation import gettext_lazy as _

from search.views.catalogue import FilteredProductListView


class FacetedSearchView(FilteredProductListView):
    """``/search/?q=``: the same filtered listing, led by the buyer's words."""

    template_name = "oscar/search/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.form.cleaned_data.get("q", "")
        context["summary"] = _("Search results")
        return context
