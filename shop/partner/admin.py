from django.contrib import admin
from oscar.apps.partner.admin import *  # noqa: F403

from shop.partner.models import Partner, StockRecordChange

admin.site.unregister(Partner)


@admin.register(Partner)
class OcopPartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "producer_kind", "province_code", "phone")
    list_filter = ("kind", "producer_kind", "province_code")
    search_fields = ("name", "code", "tax_code")
    filter_horizontal = ("users",)


@admin.register(StockRecordChange)
class StockRecordChangeAdmin(admin.ModelAdmin):
    """The history of price and stock changes; written by shop.partner.stock, never edited by hand."""

    list_display = (
        "changed_at",
        "stockrecord",
        "price_before",
        "price_after",
        "num_in_stock_before",
        "num_in_stock_after",
        "source",
        "changed_by",
    )
    list_filter = ("source",)
    search_fields = ("stockrecord__partner_sku", "stockrecord__product__title", "stockrecord__partner__name")
    list_select_related = ("stockrecord__partner", "stockrecord__product", "changed_by")
    date_hierarchy = "changed_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
