from django.db import transaction
from oscar.apps.order import utils

from shop.order.allocation import allocate_stock


class OrderCreator(utils.OrderCreator):
    """Oscar's, with stock allocated so that it cannot be oversold (shop.order.allocation)."""

    def place_order(self, basket, *args, **kwargs):
        # The whole basket's stock first, in one transaction with the order: a sold-out line leaves
        # neither an order nor any allocation behind.
        with transaction.atomic():
            allocate_stock(basket.all_lines())
            return super().place_order(basket, *args, **kwargs)

    def update_stock_records(self, line):
        """Nothing to do per line: place_order has allocated the whole basket's stock."""
