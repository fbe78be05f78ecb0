from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """How orders are paid: cash on delivery or at pickup, VietQR bank transfer, cards through Stripe.

    Labelled "payments" beside Oscar's own "payment" app, whose Source and Transaction models it does not use.
    """

    name = "shop.payments"
    label = "payments"
    verbose_name = _("Payments")
