from django import forms
from django.utils.translation import gettext_lazy as _

from shop.partner.prices import VndPriceField


class TransferReceivedForm(forms.Form):
    """The amount that reached the account, as the bank statement shows it."""

    amount = VndPriceField(
        label=_("Amount received (₫)"),
        help_text=_("As your bank statement shows it. Less than the amount due is not marked received."),
    )

    def __init__(self, *args, payment, **kwargs):
        self.payment = payment
        kwargs.setdefault("initial", {"amount": f"{payment.amount:.0f}"})
        super().__init__(*args, **kwargs)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount < self.payment.amount:
            raise forms.ValidationError(
                _(
                    "%(received)s ₫ is less than the %(due)s ₫ due for this order: it is not marked received. "
                    "Ask the buyer to transfer the rest, then mark it when the whole amount is there."
                ),
                code="too_little",
                params={
                    "received": f"{amount:,.0f}".replace(",", "."),
                    "due": f"{self.payment.amount:,.0f}".replace(",", "."),
                },
            )
        return amount
