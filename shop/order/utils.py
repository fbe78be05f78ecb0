from dataclasses import dataclass

from django.db import transaction
from oscar.apps.order import utils

from shop.order.allocation import allocate_stock
from shop.order.models import FulfilmentGroup


@dataclass
class _StockTake:
    """Units an order line will take from a stock record, in the shape allocate_stock reads."""

    stockrecord: object
    product: object
    quantity: int


class OrderCreator(utils.OrderCreator):
    """Oscar's, with stock allocated so that it cannot be oversold (shop.order.allocation), and each
    producer's part of the order recorded with the way the buyer receives it (FulfilmentGroup) when the
    shipping method carries the buyer's choices (shop.checkout.shipping.GroupedFulfilment)."""

    def place_order(self, basket, *args, **kwargs):
        groups = getattr(kwargs.get("shipping_method"), "groups", None) or []
        self._group_of_producer = {group.producer.pk: group for group in groups}
        self._group_rows = {}
        # The whole basket's stock first, in one transaction with the order: a sold-out line leaves
        # neither an order nor any allocation behind. A sales-point pickup takes the sales point's units.
        with transaction.atomic():
            allocate_stock([self._stock_take(line) for line in basket.all_lines()])
            return super().place_order(basket, *args, **kwargs)

    def _stock_take(self, line):
        group = self._group_of_producer.get(line.stockrecord.partner_id) if line.stockrecord_id else None
        stockrecord = group.stockrecord_for(line) if group else line.stockrecord
        return _StockTake(stockrecord=stockrecord, product=line.product, quantity=line.quantity)

    def create_order_model(self, *args, **kwargs):
        order = super().create_order_model(*args, **kwargs)
        for producer_id, group in self._group_of_producer.items():
            self._group_rows[producer_id] = FulfilmentGroup.objects.create(
                order=order,
                producer=group.producer,
                method=group.method,
                sales_point=group.sales_point,
                booth=group.booth,
                pickup_on=group.pickup_on,
                shipping_charge=group.shipping_charge,
            )
        return order

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        group = self._group_of_producer.get(basket_line.stockrecord.partner_id) if basket_line.stockrecord_id else None
        if group is not None:
            extra_line_fields = {
                **(extra_line_fields or {}),
                "fulfilment_group": self._group_rows[group.producer.pk],
                "fulfilment_channel": group.method,
                "stockrecord": group.stockrecord_for(basket_line),
            }
        return super().create_line_models(order, basket_line, extra_line_fields)

    def update_stock_records(self, line):
        """Nothing to do per line: place_order has allocated the whole basket's stock."""
