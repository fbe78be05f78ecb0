import logging

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from shop.payments.transfer import transfer_details
from shop.payments.vietqr import VietQRError

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag
def vietqr_transfer(payment):
    """``{% vietqr_transfer payment as transfer %}``: the transfer's details (shop.payments.transfer), its
    SVG marked safe (segno writes it); None when the shop's account in the settings cannot make a code."""
    try:
        details = transfer_details(payment)
    except VietQRError:
        logger.exception("No VietQR code for payment %s: the shop's bank account settings are not usable", payment.pk)
        return None
    return {"details": details, "svg": mark_safe(details.svg)}  # noqa: S308 — segno's own SVG of our payload


@register.simple_tag
def card_payment_url(order):
    """``{% card_payment_url order as url %}``: the page where the buyer pays ``order`` by card, or "" while
    the site has no such page."""
    try:
        return reverse("payments:card", kwargs={"number": order.number, "hash": order.verification_hash()})
    except NoReverseMatch:
        return ""
