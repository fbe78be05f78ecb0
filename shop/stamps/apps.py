from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StampsConfig(AppConfig):
    """Traceability stamps: batches issued by the coordination office, their QR codes, print files,
    the public verification page (/t/<code>), scans and counterfeit reports."""

    name = "shop.stamps"
    label = "stamps"
    verbose_name = _("Traceability stamps")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shop.stamps.facts import connect_receivers

        connect_receivers()
