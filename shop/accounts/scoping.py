"""Officers act for one province: what they see and change is limited to it."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


def officer_province(user):
    """The province an officer may act for; None for a superuser, who acts for all."""
    if user.is_superuser:
        return None
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        raise PermissionDenied(_("Your account is not attached to a province."))
    return profile.province_code


class ProvinceScopedAdmin(admin.ModelAdmin):
    """Django admin for objects that belong to a province, for province-scoped officers.

    ``province_lookup`` is the path from the model to its province code.
    """

    province_lookup = "province_code"
    # Foreign keys whose choices are limited to the officer's province, with the path to their province.
    scoped_foreign_keys = {}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        province = officer_province(request.user)
        if province is None:
            return queryset
        return queryset.filter(**{self.province_lookup: province})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        lookup = self.scoped_foreign_keys.get(db_field.name)
        province = officer_province(request.user)
        if lookup and province is not None and field is not None:
            field.queryset = field.queryset.filter(**{lookup: province})
        return field

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "province_code" and field is not None:
            province = officer_province(request.user)
            if province is not None:
                field.choices = [choice for choice in field.choices if choice[0] == province]
        return field

    def save_model(self, request, obj, form, change):
        province = officer_province(request.user)
        if province is not None and self.province_of(obj) != province:
            raise PermissionDenied(_("You can only record data of your own province."))
        super().save_model(request, obj, form, change)

    def province_of(self, obj):
        value = obj
        for part in self.province_lookup.split("__"):
            value = getattr(value, part)
        return value
