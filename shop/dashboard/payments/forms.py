from django import forms
from django.utils.translation import gettext_lazy as _

from shop.payments.models import PaymentState


class CardPaymentFilterForm(forms.Form):
    STATES = [
        ("", _("All")),
        (PaymentState.AWAITING, PaymentState.AWAITING.label),
        (PaymentState.PAID, PaymentState.PAID.label),
        (PaymentState.PARTIALLY_REFUNDED, PaymentState.PARTIALLY_REFUNDED.label),
        (PaymentState.REFUNDED, PaymentState.REFUNDED.label),
        (PaymentState.CANCELLED, PaymentState.CANCELLED.label),
    ]
    state = forms.ChoiceField(label=_("State"), choices=STATES, required=False)
    number = forms.CharField(label=_("Order number"), required=False, max_length=128)
    flagged = forms.BooleanField(label=_("Only with open flags"), required=False)


class RefundForm(forms.Form):
    """A refund of the whole order (no line) or of one line. ``expected_refunded`` is what the page
    showed as refunded already: a refund made meanwhile by someone else makes this one refused."""

    line = forms.IntegerField(widget=forms.HiddenInput, required=False)
    expected_refunded = forms.DecimalField(widget=forms.HiddenInput, decimal_places=0, max_digits=12)
    amount = forms.DecimalField(
        label=_("Amount to refund (₫)"),
        min_value=1,
        decimal_places=0,
        max_digits=12,
        error_messages={"max_decimal_places": _("Enter a whole number of đồng.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)
