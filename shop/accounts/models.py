from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.partner.places import province_choices, province_name


class StaffProfile(models.Model):
    """Where a government officer works: their role's permissions apply to this province only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    province_code = models.PositiveSmallIntegerField(_("province"), choices=province_choices)
    organisation = models.CharField(_("organisation"), max_length=200)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} — {self.organisation}"

    @property
    def province_name(self):
        return province_name(self.province_code)
