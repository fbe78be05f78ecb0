from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "shop.imports"
    verbose_name = _("Product imports")
    default_auto_field = "django.db.models.AutoField"
