from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import ListingRevision


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(ListingRevision.Status.choices),
    )


class ReviewDecisionForm(forms.Form):
    APPROVE = "approve"
    SEND_BACK = "send_back"

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (SEND_BACK, _("Send back"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason for sending back"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The producer reads this in the e-mail and on the listing: say what to correct."),
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["reason"] = (cleaned.get("reason") or "").strip()
        if cleaned.get("decision") == self.SEND_BACK and not cleaned["reason"]:
            self.add_error("reason", _("Say why the listing is sent back, so that the producer can put it right."))
        return cleaned
