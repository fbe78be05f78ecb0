from django.apps import AppConfig


class ShopConfig(AppConfig):
    """The project itself: site-wide templates, static files and commands."""

    name = "shop"
    verbose_name = "OCOP"
