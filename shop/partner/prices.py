"""Prices in đồng: the rules a price meets, and prices typed the way people write them in Vietnam.

VND has no minor unit and prices include VAT. "250000", "250.000", "250,000", "250 000 ₫" and
"250000đ" all mean 250000; a dot or comma that does not group thousands (12.5, 1,50) is a decimal
and is refused.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# StockRecord.price has 12 digits, 2 of them after the point.
MAX_PRICE = Decimal("9999999999")
CURRENCY_MARK = re.compile(r"(₫|vnđ|vnd|đồng|dong|đ)$", re.IGNORECASE)
GROUPED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+")


def without_thousands_separators(text):
    """``text`` without the dots, commas or spaces between its groups of thousands ("10.000" → "10000");
    any other text comes back as it was, spaces tidied."""
    text = " ".join(str(text).replace("\xa0", " ").replace("\u202f", " ").split())
    if GROUPED_THOUSANDS.fullmatch(text):
        return re.sub(r"[., ]", "", text)
    return text


def ungrouped(text):
    """``text`` without its currency mark and without the separators between groups of thousands."""
    text = " ".join(str(text).replace("\xa0", " ").split())
    return without_thousands_separators(CURRENCY_MARK.sub("", text).strip().removeprefix("₫").strip())


def validated_price(price):
    """``price`` as a whole number of đồng (Decimal), or ValidationError saying what is wrong with it."""
    if isinstance(price, bool):
        raise ValidationError(_("Enter the price as a whole number of dong, e.g. 250000."), code="invalid")
    try:
        value = Decimal(str(price).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter the price as a whole number of dong, e.g. 250000."), code="invalid") from None
    if not value.is_finite():
        raise ValidationError(_("Enter the price as a whole number of dong, e.g. 250000."), code="invalid")
    if value <= 0:
        raise ValidationError(_("The price must be more than 0 ₫."), code="not_positive")
    if value != value.to_integral_value():
        raise ValidationError(_("Prices are in whole dong: remove the decimals."), code="not_whole")
    if value > MAX_PRICE:
        raise ValidationError(
            _("The price may be at most %(max)s ₫.") % {"max": f"{MAX_PRICE:,.0f}".replace(",", ".")}, code="too_high"
        )
    return value.quantize(Decimal("1"))


class VndPriceField(forms.CharField):
    """A price typed in đồng; the cleaned value is a Decimal without decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return self.validated(ungrouped(value))

    def validated(self, text):
        """The amount ``text`` (without grouping or currency mark) stands for, or ValidationError."""
        return validated_price(text)
