from django.contrib import admin

from shop.imports.models import ProductImport


@admin.register(ProductImport)
class ProductImportAdmin(admin.ModelAdmin):
    """Imports as the producers made them: for support, read only (they are applied from the dashboard)."""

    list_display = ("original_name", "producer", "status", "created_at", "row_count", "error_count", "applied_count")
    list_filter = ("status", "format")
    search_fields = ("original_name", "producer__name")
    list_select_related = ("producer",)
    date_hierarchy = "created_at"
    exclude = ("rows",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
