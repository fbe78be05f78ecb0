from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.groups import ProductGroup
from catalog.stars import MAX_STARS
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
    """Filters and sort order of the catalogue, category and search pages."""

    SORT_ORDERS = {
        "relevance": ("-certificate__stars", "-date_created", "pk"),
        "stars": ("-certificate__stars", "title", "pk"),
        "newest": ("-date_created", "pk"),
        "title": ("title", "pk"),
    }
    SORT_CHOICES = [
        ("relevance", _("Featured")),
        ("stars", _("Most stars")),
        ("newest", _("Newest")),
        ("title", _("Name A–Z")),
    ]

    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    group = forms.MultipleChoiceField(
        required=False, choices=ProductGroup.choices, label=_("Product group"), widget=forms.CheckboxSelectMultiple
    )
    province = forms.TypedMultipleChoiceField(
        required=False, coerce=int, choices=province_choices, label=_("Province"), widget=forms.CheckboxSelectMultiple
    )
    stars = forms.TypedMultipleChoiceField(
        required=False, coerce=int, choices=star_choices, label=_("Stars"), widget=forms.CheckboxSelectMultiple
    )
    sort_by = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("Sort by"))

    def ordering(self):
        sort = self.cleaned_data.get("sort_by") or "relevance"
        return self.SORT_ORDERS[sort]
