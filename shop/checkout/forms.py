from dataclasses import dataclass, field

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

from shop.checkout.options import (
    DELIVERY,
    FAIR_PICKUP,
    SALES_POINT_PICKUP,
    GroupChoice,
    booth_day_value,
    parse_booth_day,
)
from shop.order.models import RECEIVING_LABELS
from shop.partner.places import province_choices, province_name, ward_belongs_to_province, ward_choices, ward_name
from shop.payments.models import PaymentMethod


def vietnamese_phone(value):
    """``value`` as an E.164 Vietnamese number (+84…), or ValidationError."""
    message = _("Enter a Vietnamese phone number, such as 0912 345 678.")
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(message) from error
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != "VN":
        raise ValidationError(message)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass
class GroupOptions:
    """The ways one producer group of the basket can be received, for the form and its template."""

    group: object  # shop.checkout.options.ProducerGroup
    sales_points: list = field(default_factory=list)  # SalesPointOption
    booths: list = field(default_factory=list)  # BoothOption

    @property
    def producer_id(self):
        return self.group.producer.pk

    @property
    def methods(self):
        methods = [DELIVERY]
        if self.sales_points:
            methods.append(SALES_POINT_PICKUP)
        if self.booths:
            methods.append(FAIR_PICKUP)
        return methods


def _sales_point_label(option):
    point = option.sales_point
    label = f"{point.name} — {point.partner.full_address}"
    if option.distance_km is not None:
        label += " (" + _("%(distance)s km away") % {"distance": f"{option.distance_km:.1f}"} + ")"
    return label


def _booth_day_choices(booths):
    """The posted value and label of each booth and day, grouped under their fair."""
    choices = []
    for option in booths:
        booth, fair = option.booth, option.booth.fair
        heading = _("%(fair)s, booth %(number)s — %(venue)s") % {
            "fair": fair.name,
            "number": booth.number,
            "venue": fair.full_address,
        }
        choices.append(
            (heading, [(booth_day_value(booth.pk, day), date_format(day, "l, d/m/Y")) for day in option.days])
        )
    return choices


class FulfilmentForm(forms.Form):
    """For each producer of the basket, how the buyer receives their goods; who receives them; and,
    when anything is delivered, where to."""

    recipient_name = forms.CharField(label=_("Full name"), max_length=255)
    phone_number = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        help_text=_("The producer, the carrier or the sales point calls this number."),
    )
    province_code = forms.TypedChoiceField(label=_("Province"), coerce=int, required=False, empty_value=None)
    ward_code = forms.TypedChoiceField(
        label=_("Commune / ward"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("This commune or ward is not in the chosen province.")},
    )
    street = forms.CharField(
        label=_("House number and street"), max_length=255, required=False, help_text=_("Or village and hamlet.")
    )
    notes = forms.CharField(
        label=_("Notes for delivery"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, group_options, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_options = group_options
        self.fields["province_code"].choices = [("", _("Choose the province"))] + list(province_choices())
        province = self._chosen_province()
        wards = ward_choices(province) if province else []
        self.fields["ward_code"].choices = [("", _("Choose the commune or ward"))] + list(wards)
        for options in group_options:
            producer_id = options.producer_id
            self.fields[f"method_{producer_id}"] = forms.ChoiceField(
                label=_("How do you want to receive it?"),
                choices=[(method, RECEIVING_LABELS[method]) for method in options.methods],
                widget=forms.RadioSelect,
                initial=DELIVERY,
            )
            if options.sales_points:
                self.fields[f"sales_point_{producer_id}"] = forms.TypedChoiceField(
                    label=_("Sales point"),
                    coerce=int,
                    required=False,
                    empty_value=None,
                    choices=[("", _("Choose a sales point"))]
                    + [(option.sales_point.pk, _sales_point_label(option)) for option in options.sales_points],
                )
            if options.booths:
                self.fields[f"booth_day_{producer_id}"] = forms.ChoiceField(
                    label=_("Fair booth and day"),
                    required=False,
                    choices=[("", _("Choose the booth and the day"))] + _booth_day_choices(options.booths),
                )

    def _chosen_province(self):
        value = self.data.get(self.add_prefix("province_code")) if self.is_bound else self.initial.get("province_code")
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def groups(self):
        """(options, method field, sales point field or None, booth day field or None) per producer group."""
        for options in self.group_options:
            producer_id = options.producer_id
            yield (
                options,
                self[f"method_{producer_id}"],
                self[f"sales_point_{producer_id}"] if f"sales_point_{producer_id}" in self.fields else None,
                self[f"booth_day_{producer_id}"] if f"booth_day_{producer_id}" in self.fields else None,
            )

    def clean_phone_number(self):
        return vietnamese_phone(self.cleaned_data["phone_number"])

    def clean(self):
        cleaned = super().clean()
        delivered = False
        for options in self.group_options:
            producer_id = options.producer_id
            method = cleaned.get(f"method_{producer_id}")
            if method == DELIVERY:
                delivered = True
            elif method == SALES_POINT_PICKUP and not cleaned.get(f"sales_point_{producer_id}"):
                self.add_error(f"sales_point_{producer_id}", _("Choose the sales point where you will pick up."))
            elif method == FAIR_PICKUP and not parse_booth_day(cleaned.get(f"booth_day_{producer_id}")):
                self.add_error(f"booth_day_{producer_id}", _("Choose the booth and the day you will pick up."))
        if delivered:
            province, ward = cleaned.get("province_code"), cleaned.get("ward_code")
            if not province:
                self.add_error("province_code", _("Choose the province to deliver to."))
            if not ward:
                self.add_error("ward_code", _("Choose the commune or ward to deliver to."))
            elif province and not ward_belongs_to_province(ward, province):
                self.add_error("ward_code", _("This commune or ward is not in the chosen province."))
            if not (cleaned.get("street") or "").strip():
                self.add_error("street", _("Enter the house number and street, or the village."))
        self.delivers = delivered
        return cleaned

    def choices(self):
        """The buyer's choices as GroupChoice, one per producer group."""
        chosen = []
        for options in self.group_options:
            producer_id = options.producer_id
            method = self.cleaned_data[f"method_{producer_id}"]
            choice = GroupChoice(producer_id=producer_id, method=method)
            if method == SALES_POINT_PICKUP:
                choice.sales_point_id = self.cleaned_data[f"sales_point_{producer_id}"]
            elif method == FAIR_PICKUP:
                choice.booth_id, day = parse_booth_day(self.cleaned_data[f"booth_day_{producer_id}"])
                choice.pickup_on = day.isoformat()
            chosen.append(choice)
        return chosen

    def address_fields(self):
        """The fields of Oscar's ShippingAddress: the recipient and phone always (a pickup needs them too),
        the address when anything is delivered."""
        data = self.cleaned_data
        fields = {
            "first_name": data["recipient_name"].strip(),
            "phone_number": PhoneNumber.from_string(data["phone_number"]),
            "country_id": "VN",
        }
        if self.delivers:
            fields.update(
                line1=data["street"].strip(),
                line4=ward_name(data["ward_code"]),
                state=province_name(data["province_code"]),
                province_code=data["province_code"],
                ward_code=data["ward_code"],
                notes=data["notes"].strip(),
            )
        return fields


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(label=_("How do you want to pay?"), widget=forms.RadioSelect)

    def __init__(self, *args, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(method, PaymentMethod(method).label) for method in methods]
        self.fields["method"].initial = PaymentMethod.CASH
