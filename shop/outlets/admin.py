from django.contrib import admin

from shop.outlets.models import Booth, Fair, SalesPoint


@admin.register(SalesPoint)
class SalesPointAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "location_category", "operator", "status")
    list_filter = ("kind", "location_category", "status", "partner__province_code")
    search_fields = ("partner__name", "operator")
    autocomplete_fields = ("partner",)


class BoothInline(admin.TabularInline):
    model = Booth
    extra = 0
    autocomplete_fields = ("producer", "products")


@admin.register(Fair)
class FairAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on", "venue", "organiser")
    search_fields = ("name", "venue")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [BoothInline]
