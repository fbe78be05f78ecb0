from django.contrib import admin
from oscar.apps.catalogue.admin import *  # noqa: F403
from oscar.apps.catalogue.admin import ProductAdmin

from catalog.models import CertificateEvent, OcopCertificate, Product


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    fields = (
        "kind",
        "occurred_on",
        "stars_before",
        "stars_after",
        "score_after",
        "valid_until_after",
        "reference",
        "note",
    )
    readonly_fields = ("recorded_by",)


@admin.register(OcopCertificate)
class OcopCertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "product", "stars", "score", "group", "certifying_level", "valid_until", "status")
    list_filter = ("status", "stars", "group", "certifying_level")
    search_fields = ("number", "decision_number", "product__title")
    autocomplete_fields = ("product",)
    inlines = [CertificateEventInline]


admin.site.unregister(Product)


@admin.register(Product)
class OcopProductAdmin(ProductAdmin):
    list_display = (*ProductAdmin.list_display, "producer", "certificate")
    list_select_related = ("producer", "certificate", "product_class")
    autocomplete_fields = ("producer", "certificate")
