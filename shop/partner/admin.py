from django.contrib import admin
from oscar.apps.partner.admin import *  # noqa: F403

from shop.partner.models import Partner

admin.site.unregister(Partner)


@admin.register(Partner)
class OcopPartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "producer_kind", "province_code", "phone")
    list_filter = ("kind", "producer_kind", "province_code")
    search_fields = ("name", "code", "tax_code")
    filter_horizontal = ("users",)
