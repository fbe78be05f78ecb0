from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import Base
from oscar.core import prices


class GroupedFulfilment(Base):
    """Oscar's shipping method for an order received in parts: the sum of the delivery charges of the
    producer groups that are delivered (pickups cost nothing). It carries the resolved groups
    (shop.checkout.options.ResolvedGroup) to the OrderCreator, which records them with the order."""

    code = "ocop-fulfilment"
    name = _("Delivery and pickup, by producer")

    def __init__(self, groups):
        self.groups = groups

    def calculate(self, basket):
        charge = sum((group.shipping_charge for group in self.groups), Decimal(0))
        return prices.Price(currency=basket.currency, excl_tax=charge, incl_tax=charge, tax=Decimal(0))
