from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shop.partner.models import ShippingRate
from shop.partner.prices import MAX_PRICE, VndPriceField


class VndAmountField(VndPriceField):
    """An amount in đồng typed as people write it ("30.000", "30000 đ"); 0 is allowed (free delivery)."""

    def validated(self, text):
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValidationError(_("Enter an amount in đồng, digits only, e.g. 30000."), code="invalid") from None
        if not amount.is_finite():
            raise ValidationError(_("Enter an amount in đồng, digits only, e.g. 30000."), code="invalid")
        if amount < 0:
            raise ValidationError(_("An amount cannot be below 0 ₫."), code="negative")
        if amount != amount.to_integral_value():
            raise ValidationError(_("Đồng have no decimals: enter a whole amount."), code="not_whole")
        if amount > MAX_PRICE:
            raise ValidationError(_("This amount is too large."), code="too_high")
        return amount.quantize(Decimal("1"))


class ShippingRateForm(forms.ModelForm):
    """A producer's delivery charge: flat, or by weight; free from a threshold if they wish."""

    base_charge = VndAmountField(
        label=_("Charge per order (₫)"),
        help_text=_("Flat: the whole charge. By weight: it covers the first kilogram."),
        error_messages={"required": _("Enter the charge per order in đồng (0 for free delivery).")},
    )
    charge_per_kg = VndAmountField(
        label=_("Charge per further kilogram (₫)"),
        required=False,
        help_text=_("By weight only: added for each started kilogram after the first (1.2 kg counts as 2 kg)."),
    )
    free_above = VndAmountField(
        label=_("Free delivery from (₫)"),
        required=False,
        help_text=_(
            "When the buyer's goods from you come to at least this much, delivery is free. Leave empty for never."
        ),
    )

    class Meta:
        model = ShippingRate
        fields = ["kind", "base_charge", "charge_per_kg", "free_above"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"kind": _("How delivery is charged")}

    def clean_charge_per_kg(self):
        value = self.cleaned_data.get("charge_per_kg")
        return Decimal(0) if value is None else value

    def clean(self):
        data = super().clean()
        if data.get("kind") == ShippingRate.Kind.BY_WEIGHT and not data.get("charge_per_kg"):
            self.add_error(
                "charge_per_kg",
                _(
                    "By weight, say what each further kilogram costs; "
                    "for one price whatever the weight, choose a flat charge."
                ),
            )
        return data
