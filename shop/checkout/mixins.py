import logging

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from oscar.apps.checkout import mixins

from shop.order.allocation import SoldOut

logger = logging.getLogger("oscar.checkout")


class OrderPlacementMixin(mixins.OrderPlacementMixin):
    def place_order(self, *args, **kwargs):
        # The shipping address and the address book's count go with the order or not at all.
        with transaction.atomic():
            return super().place_order(*args, **kwargs)

    def handle_order_placement(self, order_number, *args, **kwargs):
        """Place the order; when another buyer took the last units meanwhile, send the buyer back to
        the basket, thawed and as it was, saying what is left."""
        try:
            return super().handle_order_placement(order_number, *args, **kwargs)
        except SoldOut as sold_out:
            logger.info("Order #%s: not placed, sold out (%s)", order_number, sold_out)
            self.restore_frozen_basket()
            messages.error(self.request, sold_out.message)
            return redirect("basket:summary")
