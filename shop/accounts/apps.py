from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shop.accounts"
    label = "accounts"
    verbose_name = _("Roles and staff")

    def ready(self):
        from shop.accounts.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="ensure_role_groups")
