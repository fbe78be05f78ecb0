from django import forms
from django.utils.translation import gettext_lazy as _

from shop.order.reports import ReportMonth

EARLIEST_YEAR = 2000


class MonthForm(forms.Form):
    """The month a producer's report is for: ``YYYY-MM``, as a browser's month picker sends it."""

    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-03", "pattern": r"\d{4}-\d{2}"}),
        help_text=_("Year and month, for example 2026-03."),
    )

    def clean_month(self):
        value = self.cleaned_data["month"]
        try:
            month = ReportMonth.parse(value)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a month: write the year and the month, for example 2026-03."),
                code="invalid",
                params={"value": value},
            ) from None
        if month.year < EARLIEST_YEAR:
            raise forms.ValidationError(
                _("Reports start in %(year)s."), code="too_early", params={"year": EARLIEST_YEAR}
            )
        if month > ReportMonth.current():
            raise forms.ValidationError(_("This month has not begun yet."), code="future")
        return month
