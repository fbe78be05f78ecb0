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


def _owner(product):
    """The product that carries the producer and the certificate: a variant's parent."""
    return product.parent if product.is_child else product


class ProducerStockRecord:
    """Online sales are the producer's: a sales point's stock record of the same product is never chosen."""

    def select_stockrecord(self, product):
        producer_id = _owner(product).producer_id
        if producer_id is None:
            return None
        # Iterate rather than filter so that a prefetched list is used.
        for stockrecord in product.stockrecords.all():
            if stockrecord.partner_id == producer_id:
                return stockrecord
        return None


class CertifiedOnlyAvailability(strategy.StockRequired):
    def not_for_sale(self, product):
        owner = _owner(product)
        reason = owner.reason_not_for_sale(today())
        if reason is None:
            return None
        return NotForSale(reason, title=product.get_title())

    def availability_policy(self, product, stockrecord):
        return self.not_for_sale(product) or super().availability_policy(product, stockrecord)

    def parent_availability_policy(self, product, children_stock):
        # The certificate is the parent's: say why rather than "unavailable".
        return self.not_for_sale(product) or super().parent_availability_policy(product, children_stock)


class CertifiedOnly(ProducerStockRecord, CertifiedOnlyAvailability, strategy.NoTax, strategy.Structured):
    pass
