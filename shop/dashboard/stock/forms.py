from django import forms
from django.utils.translation import gettext_lazy as _

from shop.partner.prices import VndPriceField
from shop.partner.stock import DEFAULT_LOW_STOCK_THRESHOLD, MAX_NUM_IN_STOCK


class StockSearchForm(forms.Form):
    q = forms.CharField(label=_("Product name or SKU"), required=False, max_length=100)
    low_stock = forms.BooleanField(label=_("Low stock only"), required=False)


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
