from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.partner.prices import without_thousands_separators
from shop.stamps.models import CounterfeitReport, RevocationReason, StampBatch
from shop.stamps.revocation import numbers_in_batch

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")


def parse_quantity(text):
    """A number of stamps typed with or without thousands separators ("10000", "10.000", "10,000",
    "10 000"), as an int; ValidationError otherwise."""
    digits = without_thousands_separators(text)
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(_("Enter the number of stamps as a whole number, e.g. 10000 or 10.000."), code="invalid")
    quantity = int(digits)
    if not 1 <= quantity <= settings.OCOP_STAMP_MAX_BATCH:
        raise ValidationError(
            _("A batch holds 1 to %(maximum)s stamps.")
            % {"maximum": number_format(settings.OCOP_STAMP_MAX_BATCH, force_grouping=True)},
            code="out_of_range",
        )
    return quantity


class QuantityField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_quantity(value)


class IssuableProductField(forms.ModelChoiceField):
    def label_from_instance(self, product):
        return f"{product.title} — {product.producer.name} — {product.certificate.stars}★"


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BatchIssueForm(forms.Form):
    product = IssuableProductField(
        label=_("Product"),
        queryset=Product.objects.none(),
        empty_label=_("Choose a certified product"),
        error_messages={
            "invalid_choice": _(
                "Choose one of the listed products: stamps are issued for products of your province "
                "with a valid OCOP certificate of 3 stars or more."
            ),
        },
    )
    quantity = QuantityField(label=_("Number of stamps"))
    lot = forms.CharField(label=_("Production lot"), max_length=64)
    produced_on = forms.DateField(label=_("Production date"), widget=date_input())
    expires_on = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=date_input(),
        help_text=_("Leave empty for goods that do not expire."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["quantity"].help_text = _("From 1 to %(maximum)s.") % {
            "maximum": number_format(settings.OCOP_STAMP_MAX_BATCH, force_grouping=True)
        }

    def clean_lot(self):
        lot = self.cleaned_data["lot"].strip()
        if not lot:
            raise ValidationError(_("Enter the production lot printed on the goods."))
        return lot

    def clean(self):
        cleaned = super().clean()
        produced_on, expires_on = cleaned.get("produced_on"), cleaned.get("expires_on")
        if produced_on and expires_on and expires_on < produced_on:
            self.add_error("expires_on", _("The expiry date cannot come before the production date."))
        return cleaned


class BatchFilterForm(forms.Form):
    """Filters of the batch list; an officer's also offer the producer and flagged batches only."""

    producer = forms.ModelChoiceField(
        label=_("Producer"), required=False, queryset=Partner.objects.none(), empty_label=_("All producers")
    )
    product = forms.ModelChoiceField(
        label=_("Product"), required=False, queryset=Product.objects.none(), empty_label=_("All products")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + StampBatch.Status.choices)
    flagged = forms.BooleanField(label=_("Suspicious only"), required=False)

    def __init__(self, *args, batches, for_officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(pk__in=batches.values("product_id")).order_by("title")
        if for_officer:
            self.fields["producer"].queryset = Partner.objects.filter(pk__in=batches.values("producer_id")).order_by(
                "name"
            )
        else:
            del self.fields["producer"]
            del self.fields["flagged"]

    def filter(self, batches):
        if not self.is_bound:
            return batches
        self.is_valid()  # only the fields given correctly filter
        data = self.cleaned_data
        if data.get("producer"):
            batches = batches.filter(producer=data["producer"])
        if data.get("product"):
            batches = batches.filter(product=data["product"])
        if data.get("status"):
            batches = batches.filter(status=data["status"])
        if data.get("flagged"):
            batches = batches.flagged()
        return batches


class RevocationForm(forms.Form):
    """The reason and note every revocation carries; subclasses say which serials."""

    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "---------")] + RevocationReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        examples = {"serial": batch.first_serial, "first_serial": batch.first_serial, "last_serial": batch.last_serial}
        for name, example in examples.items():
            if name in self.fields:
                self.fields[name].widget.attrs.update({"placeholder": example, "autocomplete": "off"})

    def _number(self, field):
        """The running number of the serial typed in ``field``; ValidationError when it is not this batch's."""
        return numbers_in_batch(self.batch, self.cleaned_data[field])[0]


class RevokeStampForm(RevocationForm):
    action = "revoke_stamp"
    serial = forms.CharField(label=_("Serial"), max_length=32)
    field_order = ["serial", "reason", "note"]

    def clean_serial(self):
        return self._number("serial")

    def numbers(self):
        return self.cleaned_data["serial"], self.cleaned_data["serial"]


class RevokeRangeForm(RevocationForm):
    action = "revoke_range"
    first_serial = forms.CharField(label=_("From serial"), max_length=32)
    last_serial = forms.CharField(label=_("To serial"), max_length=32)
    field_order = ["first_serial", "last_serial", "reason", "note"]

    def clean_first_serial(self):
        return self._number("first_serial")

    def clean_last_serial(self):
        return self._number("last_serial")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_serial"), cleaned.get("last_serial")
        if first is not None and last is not None and first > last:
            self.add_error("last_serial", _("The first serial must not come after the last one."))
        return cleaned

    def numbers(self):
        return self.cleaned_data["first_serial"], self.cleaned_data["last_serial"]


class RevokeBatchForm(RevocationForm):
    action = "revoke_batch"
    confirm = forms.BooleanField(
        label=_("I understand that no stamp of this batch will verify as genuine any more."),
        error_messages={"required": _("Tick the box to confirm that the whole batch is revoked.")},
    )

    def numbers(self):
        return self.batch.first_number, self.batch.last_number


REVOCATION_FORMS = {form.action: form for form in (RevokeStampForm, RevokeRangeForm, RevokeBatchForm)}
REVOCATION_PREFIXES = {
    RevokeStampForm.action: "stamp",
    RevokeRangeForm.action: "range",
    RevokeBatchForm.action: "batch",
}


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + CounterfeitReport.Status.choices
    )


class ReportHandlingForm(forms.Form):
    """An officer moves a counterfeit report on: new → being investigated → closed (or reopens it)."""

    NEXT = {
        CounterfeitReport.Status.NEW: [CounterfeitReport.Status.INVESTIGATING, CounterfeitReport.Status.CLOSED],
        CounterfeitReport.Status.INVESTIGATING: [CounterfeitReport.Status.CLOSED],
        CounterfeitReport.Status.CLOSED: [CounterfeitReport.Status.INVESTIGATING],
    }

    status = forms.ChoiceField(label=_("Status"))
    officer_note = forms.CharField(
        label=_("Officer's note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was checked and found; kept with the report."),
    )

    def __init__(self, *args, report, **kwargs):
        kwargs.setdefault("initial", {"status": report.status, "officer_note": report.officer_note})
        super().__init__(*args, **kwargs)
        self.report = report
        allowed = [report.status, *self.NEXT[report.status]]
        self.fields["status"].choices = [
            (value, label) for value, label in CounterfeitReport.Status.choices if value in allowed
        ]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        note = (cleaned.get("officer_note") or "").strip()
        cleaned["officer_note"] = note
        if status == CounterfeitReport.Status.CLOSED and not note:
            self.add_error("officer_note", _("Say what was found before closing the report."))
        elif status == self.report.status and note == self.report.officer_note.strip():
            raise ValidationError(_("Nothing was changed: choose the new status or write a note."))
        return cleaned
