from dataclasses import replace

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.groups import ProductGroup
from catalog.stars import MAX_STARS
from search.engines.base import PRICE_BANDS, ProductQuery
from shop.partner.models import Partner
from shop.partner.places import province_choices


class SearchForm(forms.Form):
    """The search box shown on every page."""

    q = forms.CharField(
        required=False,
        label=_("Search"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("Search OCOP products"), "class": "form-control", "type": "search"}
        ),
    )


def star_choices():
    from django.conf import settings

    return [
        (stars, _("%(stars)s stars") % {"stars": stars})
        for stars in range(settings.OCOP_MIN_STARS_FOR_SALE, MAX_STARS + 1)
    ]


class CatalogueFilterForm(forms.Form):
    """The words, facets and sort order of the catalogue, category and search pages."""

    SORT_CHOICES = [
        ("relevance", _("Best match")),
        ("stars", _("Most stars")),
        ("price_asc", _("Price: low to high")),
        ("price_desc", _("Price: high to low")),
        ("newest", _("Newest")),
    ]

    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    stars = forms.TypedMultipleChoiceField(
        required=False, coerce=int, choices=star_choices, label=_("Stars"), widget=forms.CheckboxSelectMultiple
    )
    group = forms.MultipleChoiceField(
        required=False, choices=ProductGroup.choices, label=_("Product group"), widget=forms.CheckboxSelectMultiple
    )
    province = forms.TypedMultipleChoiceField(
        required=False, coerce=int, choices=province_choices, label=_("Province"), widget=forms.CheckboxSelectMultiple
    )
    producer_kind = forms.MultipleChoiceField(
        required=False,
        choices=Partner.ProducerKind.choices,
        label=_("Type of producer"),
        widget=forms.CheckboxSelectMultiple,
    )
    price = forms.MultipleChoiceField(
        required=False,
        choices=[(key, label) for key, label, _low, _high in PRICE_BANDS],
        label=_("Price"),
        widget=forms.CheckboxSelectMultiple,
    )
    at_sales_point = forms.BooleanField(required=False, label=_("Available at a sales point"))
    at_fair = forms.BooleanField(required=False, label=_("At an upcoming fair"))
    sort_by = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("Sort by"))

    def product_query(self, *, page=1, per_page=24, category=None):
        """The ProductQuery of the valid form's choices, for ``page``, in ``category`` if given."""
        data = self.cleaned_data
        query = ProductQuery(
            text=data.get("q") or "",
            stars=tuple(data.get("stars") or ()),
            groups=tuple(data.get("group") or ()),
            provinces=tuple(data.get("province") or ()),
            producer_kinds=tuple(data.get("producer_kind") or ()),
            price_bands=tuple(data.get("price") or ()),
            at_sales_point=bool(data.get("at_sales_point")),
            at_fair=bool(data.get("at_fair")),
            sort=data.get("sort_by") or "relevance",
            page=page,
            per_page=per_page,
        )
        return query if category is None else category_query(query, category)


def category_query(query, category):
    """``query`` narrowed to a category: an OCOP group or sub-group, else the category and its descendants."""
    if category.ocop_subgroup:
        return replace(query, category_subgroup=category.ocop_subgroup)
    if category.ocop_group:
        return replace(query, category_groups=(category.ocop_group,))
    return replace(query, category_ids=tuple(category.get_descendants_and_self().values_list("pk", flat=True)))
