from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.admin import *  # noqa: F403
from oscar.apps.catalogue.admin import ProductAdmin

from catalog.certificates import issue_certificate
from catalog.models import CertificateEvent, OcopCertificate, Product
from shop.accounts.scoping import ProvinceScopedAdmin


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    can_delete = False
    fields = ("kind", "occurred_on", "stars_before", "stars_after", "score_after", "valid_until_after", "reference")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class NewCertificateForm(forms.ModelForm):
    reference = forms.CharField(
        label=_("Decision or inspection"),
        required=False,
        max_length=200,
        help_text=_("Written to the certificate's history; the decision number is used when left empty."),
    )

    class Meta:
        model = OcopCertificate
        fields = (
            "product",
            "product_name",
            "number",
            "stars",
            "score",
            "group",
            "subgroup",
            "certifying_level",
            "issuing_authority",
            "decision_number",
            "decision_date",
            "valid_from",
            "valid_until",
        )


@admin.register(OcopCertificate)
class OcopCertificateAdmin(ProvinceScopedAdmin):
    """Officers record new certificates here; every change after that goes through the
    certificate services, which write the history, so a saved certificate is read-only."""

    list_display = ("number", "product", "stars", "score", "group", "certifying_level", "valid_until", "status")
    list_filter = ("status", "stars", "group", "certifying_level")
    list_select_related = ("product",)
    search_fields = ("number", "product_name", "decision_number", "product__title")
    autocomplete_fields = ("product",)
    inlines = [CertificateEventInline]
    province_lookup = "product__producer__province_code"
    scoped_foreign_keys = {"product": "producer__province_code"}

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = NewCertificateForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [field.name for field in OcopCertificate._meta.fields]

    def save_model(self, request, obj, form, change):
        if change:
            return
        fields = {name: value for name, value in form.cleaned_data.items() if name not in ("product", "reference")}
        issued = issue_certificate(
            form.cleaned_data["product"], reference=form.cleaned_data["reference"], recorded_by=request.user, **fields
        )
        obj.pk = issued.pk
        form.instance = issued

    def get_inlines(self, request, obj):
        # The history starts with the entry the service writes on saving.
        return self.inlines if obj is not None else []


admin.site.unregister(Product)


@admin.register(Product)
class OcopProductAdmin(ProductAdmin):
    list_display = (*ProductAdmin.list_display, "producer", "certificate")
    list_select_related = ("producer", "certificate", "product_class")
    autocomplete_fields = ("producer", "certificate")
