import re

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.partner.stock import DEFAULT_LOW_STOCK_THRESHOLD, MAX_NUM_IN_STOCK, validated_price

# "250.000" or "250,000": dots or commas between groups of three digits are thousands separators, as
# prices are written in Vietnam. Anything else with a dot or comma (12.5, 1,50) is refused as decimals.
THOUSANDS = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})*")
CURRENCY_MARKS = re.compile(r"(?i)\s|₫|đ|vnd|vnđ")


class StockSearchForm(forms.Form):
    q = forms.CharField(label=_("Product name or SKU"), required=False, max_length=100)
    low_stock = forms.BooleanField(label=_("Low stock only"), required=False)


class VndPriceField(forms.CharField):
    """A price in whole dong; the cleaned value is a Decimal without decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        value = CURRENCY_MARKS.sub("", value)
        if THOUSANDS.fullmatch(value):
            value = value.replace(".", "").replace(",", "")
        return validated_price(value)


class StockRecordForm(forms.Form):
    """What a producer or sales point may change on their stock record; nothing else is read from the post."""

    price = VndPriceField(
        label=_("Price (₫, VAT included)"),
        error_messages={"required": _("Enter the price.")},
        help_text=_("A whole number of dong, e.g. 250000. The new price is live at once."),
    )
    num_in_stock = forms.IntegerField(
        label=_("Number in stock"),
        min_value=0,
        max_value=MAX_NUM_IN_STOCK,
        error_messages={
            "required": _("Enter the number in stock."),
            "invalid": _("Enter the number in stock as a whole number."),
            "min_value": _("The number in stock cannot be negative."),
            "max_value": _("That number in stock is too large."),
        },
        help_text=_("Everything on hand, including units allocated to orders not yet shipped."),
    )
    low_stock_threshold = forms.IntegerField(
        label=_("Low-stock level"),
        min_value=0,
        max_value=MAX_NUM_IN_STOCK,
        required=False,
        error_messages={
            "invalid": _("The low-stock level must be a whole number, 0 or more."),
            "min_value": _("The low-stock level must be a whole number, 0 or more."),
            "max_value": _("That low-stock level is too large."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["num_in_stock"].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        self.fields["low_stock_threshold"].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        self.fields["low_stock_threshold"].help_text = _(
            "The product is flagged as low on stock when fewer than this many are available. "
            "Leave empty for the default of %(default)s."
        ) % {"default": DEFAULT_LOW_STOCK_THRESHOLD}
