from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from catalog.models import Product


class ProductSearchForm(BaseFilterForm):
    """Products are not in Wagtail's search index: the chooser searches name, barcode and producer."""

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Product, barcode or producer")}),
        required=False,
    )

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(
                Q(title__icontains=query) | Q(upc__icontains=query) | Q(producer__name__icontains=query)
            )
        return objects


class ProductChooseView(ChooseView):
    filter_form_class = ProductSearchForm


class ProductChooseResultsView(ChooseResultsView):
    filter_form_class = ProductSearchForm


class ProductChooserViewSet(ChooserViewSet):
    model = "catalogue.Product"
    icon = "tag"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    edit_item_text = _("Edit this product")
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView
    form_fields = []

    def get_object_list(self):
        return Product.objects.select_related("producer").order_by("title")


product_chooser_viewset = ProductChooserViewSet("product_chooser")
