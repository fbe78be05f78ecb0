from django.contrib import admin

from shop.accounts.scoping import ProvinceScopedAdmin
from shop.outlets.models import Booth, Fair, SalesPoint


@admin.register(SalesPoint)
class SalesPointAdmin(ProvinceScopedAdmin):
    list_display = ("name", "kind", "location_category", "operator", "status")
    list_filter = ("kind", "location_category", "status", "partner__province_code")
    list_select_related = ("partner",)
    search_fields = ("partner__name", "operator")
    province_lookup = "partner__province_code"
    scoped_foreign_keys = {"partner": "province_code"}


class BoothInline(admin.TabularInline):
    model = Booth
    extra = 0
    autocomplete_fields = ("producer", "products")


@admin.register(Fair)
class FairAdmin(ProvinceScopedAdmin):
    list_display = ("name", "starts_on", "ends_on", "venue", "organiser")
    search_fields = ("name", "venue")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [BoothInline]
