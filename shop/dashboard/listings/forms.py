import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from catalog.listings import PACKAGING_MAX_LENGTH
from catalog.photos import PhotoField
from catalog.richtext import clean_rich_text
from shop.partner.prices import VndPriceField

NEW_LISTING_PHOTOS = 4


def rich_text_widget():
    # Oscar's dashboard turns textareas of class "wysiwyg" into its TinyMCE editor.
    return forms.Textarea(attrs={"class": "wysiwyg", "rows": 10})


class CertificateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, certificate):
        return _("%(name)s — certificate %(number)s, %(stars)s★, valid until %(until)s") % {
            "name": certificate.product_name,
            "number": certificate.number,
            "stars": certificate.stars,
            "until": date_format(certificate.valid_until, "SHORT_DATE_FORMAT"),
        }


class ListingPhotosMixin:
    """Up to NEW_LISTING_PHOTOS photo fields, ``photo_1``…, each checked by PhotoField."""

    def add_photo_fields(self, label):
        for number in range(1, NEW_LISTING_PHOTOS + 1):
            self.fields[f"photo_{number}"] = PhotoField(label=label % {"number": number}, required=False)

    @property
    def photo_fields(self):
        return [self[f"photo_{number}"] for number in range(1, NEW_LISTING_PHOTOS + 1)]

    def photos(self):
        return [
            self.cleaned_data[f"photo_{number}"]
            for number in range(1, NEW_LISTING_PHOTOS + 1)
            if self.cleaned_data.get(f"photo_{number}")
        ]


class ListingTextMixin:
    def clean_packaging(self):
        return " ".join(self.cleaned_data.get("packaging", "").split())

    def clean_description(self):
        return clean_rich_text(self.cleaned_data.get("description", ""))


def packaging_field():
    return forms.CharField(
        label=_("Packaging"),
        max_length=PACKAGING_MAX_LENGTH,
        required=False,
        help_text=_("How this listing is packed and how much it holds, e.g. “Hũ 500 g” or “Thùng 5 kg”."),
    )


def weight_field():
    return forms.IntegerField(
        label=_("Shipping weight (g)"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_(
            "One unit as packed for delivery, in grams, e.g. 1200 for a 1 kg jar in its box. "
            "Delivery charged by weight uses it; left empty, a unit counts as 500 g."
        ),
        error_messages={
            "min_value": _("Enter the weight in grams: at least 1."),
            "max_value": _("A unit cannot weigh more than 1 tonne; enter the weight in grams."),
            "invalid": _("Enter the weight as a whole number of grams."),
        },
    )


def description_field():
    return forms.CharField(
        label=_("Description"),
        required=False,
        widget=rich_text_widget(),
        help_text=_("Headings, bold, lists and links are kept; anything else is removed."),
    )


class ListingCreateForm(ListingPhotosMixin, ListingTextMixin, forms.Form):
    """A new listing under one of the producer's certificates; its name comes from the certificate."""

    certificate = CertificateChoiceField(
        label=_("OCOP certificate"),
        queryset=None,
        empty_label=_("Choose a certificate"),
        help_text=_("Only your certificates in force with 3 stars or more can be listed."),
        error_messages={"invalid_choice": _("Choose one of your own OCOP certificates in force with 3 stars or more.")},
    )
    packaging = packaging_field()
    description = description_field()
    price = VndPriceField(label=_("Price (₫, VAT included)"))
    num_in_stock = forms.IntegerField(label=_("Stock"), min_value=0, initial=0)
    weight_grams = weight_field()

    def __init__(self, *args, certificates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = certificates
        self.add_photo_fields(_("Photo %(number)s"))

    @property
    def text_fields(self):
        return [
            self[name] for name in ("certificate", "packaging", "description", "price", "num_in_stock", "weight_grams")
        ]


class ListingUpdateForm(ListingPhotosMixin, ListingTextMixin, forms.Form):
    """Changes to the parts of a listing the producer writes; they go to the listing review."""

    packaging = packaging_field()
    description = description_field()
    weight_grams = weight_field()
    remove_images = forms.ModelMultipleChoiceField(
        label=_("Photos to take down"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    withdraw_photos = forms.ModelMultipleChoiceField(
        label=_("New photos to withdraw"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, images, proposed_photos, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_images"].queryset = images
        self.fields["withdraw_photos"].queryset = proposed_photos
        self.add_photo_fields(_("New photo %(number)s"))


class ProducerProfileForm(forms.Form):
    """What the public producer page shows and the producer may change at once."""

    story = forms.CharField(
        label=_("Our story"),
        required=False,
        widget=rich_text_widget(),
        help_text=_("Who you are, where and how you make your products. Headings, bold, lists and links are kept."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    street_address = forms.CharField(
        label=_("Street address"),
        max_length=255,
        required=False,
        help_text=_("House number, street, hamlet or village; the commune and province are set by the office."),
    )
    photo = PhotoField(label=_("Photo"), required=False)

    def clean_story(self):
        return clean_rich_text(self.cleaned_data.get("story", ""))

    def clean_phone(self):
        phone = " ".join(self.cleaned_data.get("phone", "").split())
        if phone and not re.fullmatch(r"\+?[0-9][0-9 .()-]{6,18}[0-9]", phone):
            raise ValidationError(_("Enter a phone number of digits, e.g. 0239 3855 555."))
        return phone

    def clean_street_address(self):
        return " ".join(self.cleaned_data.get("street_address", "").split())
