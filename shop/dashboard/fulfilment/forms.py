from django import forms
from django.utils.translation import gettext_lazy as _

from shop.order.fulfilment import CANCEL_ACTION, FORWARD_ACTIONS, advance_line, cancel_line
from shop.order.models import LineStatus


def cancellation_reason_field():
    """Why items are cancelled, in words the buyer reads."""
    return forms.CharField(
        label=_("Reason for cancelling"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The buyer reads this in their e-mail and on their order page."),
    )


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status of your items"),
        required=False,
        choices=[("", _("Any status")), *LineStatus.choices],
    )


class LineActionForm(forms.Form):
    """One step for one of the producer's order lines. The line comes from the URL, never from the form."""

    action = forms.ChoiceField(
        choices=[
            ("confirm", _("Confirm")),
            ("pack", _("Mark as packed")),
            ("ship", _("Mark as shipped")),
            ("deliver", _("Mark as delivered")),
            (CANCEL_ACTION, _("Cancel this item")),
        ],
        widget=forms.HiddenInput,
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)
    reason = cancellation_reason_field()

    def apply(self, line, user):
        """Take the step on ``line``; True when it moved, False when it had already been taken.

        Raises ValidationError (keyed by this form's fields where it concerns one) when it cannot be taken.
        """
        data = self.cleaned_data
        if data["action"] == CANCEL_ACTION:
            return cancel_line(line, user=user, reason=data["reason"])
        return advance_line(
            line,
            FORWARD_ACTIONS[data["action"]],
            user=user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
        )
