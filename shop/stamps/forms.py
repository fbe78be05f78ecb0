from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.photos import PhotoField
from shop.partner.places import province_choices
from shop.stamps.models import CounterfeitReport


class CounterfeitReportForm(forms.ModelForm):
    """A buyer's report of goods whose stamp did not verify or looked wrong.

    The photo follows the rules of product photos (catalog.photos): JPEG, PNG or WebP, checked and
    re-encoded without its metadata (a phone's photo carries where it was taken).
    """

    province_code = forms.TypedChoiceField(
        label=_("Province where you bought it"),
        coerce=int,
        choices=lambda: [("", _("Choose the province"))] + list(province_choices()),
    )
    place = forms.CharField(
        label=_("Where you bought it"),
        max_length=200,
        help_text=_("The shop, market or website, with its address if you know it."),
    )
    description = forms.CharField(
        label=_("What looked wrong"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("For example: the code is unknown, the stamp looks printed differently, the packaging or taste."),
    )
    photo = PhotoField(label=_("Photo of the product or stamp (optional)"), required=False)
    contact = forms.CharField(
        label=_("Your phone or e-mail (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only if you agree to be contacted by the coordination office about this report."),
    )

    class Meta:
        model = CounterfeitReport
        fields = ["province_code", "place", "description", "photo", "contact"]

    def __init__(self, *args, stamp=None, code="", **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp = stamp
        self.code = code
        if stamp is not None and not self.is_bound:
            self.initial.setdefault("province_code", stamp.batch.province_code)

    def save(self, *, network, commit=True):
        report = super().save(commit=False)
        report.stamp = self.stamp
        report.code = self.code
        report.network = network
        if commit:
            report.save()
        return report
