"""Pricing and availability: where the OCOP certification rule is enforced.

Prices are what the buyer pays in VND, VAT included (Vietnamese retail prices
are quoted with VAT), so no tax is added on top. A product can be bought only
from its producer's own stock record, and only while its certificate is valid
today with enough stars; the date is checked on every request, so a
certificate stops sales the moment it expires.
"""

from oscar.apps.partner import strategy

from catalog.models import today
from shop.partner.availability import NotForSale


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return CertifiedOnly(request)


class ProducerStockRecord:
    def select_stockrecord(self, product):
        # Iterate rather than filter so that a prefetched list is used.
        for stockrecord in product.stockrecords.all():
            if stockrecord.partner_id == product.producer_id:
                return stockrecord
        return None


class CertifiedOnlyAvailability(strategy.StockRequired):
    def availability_policy(self, product, stockrecord):
        owner = product.parent if product.is_child else product
        reason = owner.reason_not_for_sale(today())
        if reason is not None:
            return NotForSale(reason)
        return super().availability_policy(product, stockrecord)


class CertifiedOnly(ProducerStockRecord, CertifiedOnlyAvailability, strategy.NoTax, strategy.Structured):
    pass
