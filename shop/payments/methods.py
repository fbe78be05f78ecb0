"""Which ways of paying the checkout offers, from the site's configuration."""

from django.conf import settings

from shop.payments.models import PaymentMethod
from shop.payments.stripe_gateway import card_payments_enabled


def bank_transfer_enabled():
    return bool(settings.VIETQR_BANK_BIN and settings.VIETQR_ACCOUNT_NUMBER)


def available_methods():
    """Cash always (Vietnam's most used way to pay online), then a VietQR transfer and cards when set up."""
    methods = [PaymentMethod.CASH]
    if bank_transfer_enabled():
        methods.append(PaymentMethod.VIETQR)
    if card_payments_enabled():
        methods.append(PaymentMethod.CARD)
    return methods
