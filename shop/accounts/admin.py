from django.contrib import admin

from shop.accounts.models import StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "province_code")
    list_filter = ("province_code",)
    search_fields = ("user__email", "organisation")
