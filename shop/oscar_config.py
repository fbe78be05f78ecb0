import oscar.config
from django.apps import apps
from django.urls import path


class OcopShop(oscar.config.Shop):
    """Oscar's shop, with Wagtail serving the home page instead of a redirect."""

    def get_urls(self):
        from wagtail import views as wagtail_views

        urls = [url for url in super().get_urls() if getattr(url, "name", None) != "home"]
        return [
            path("", wagtail_views.serve, {"path": ""}, name="home"),
            path("producers/", apps.get_app_config("partner").urls),
            *urls,
        ]
