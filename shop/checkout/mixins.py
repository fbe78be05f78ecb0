import logging

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from oscar.apps.checkout import mixins
from oscar.core.loading import get_model

from shop.order.allocation import SoldOut
from shop.payments.models import PaymentMethod
from shop.payments.services import new_payment

logger = logging.getLogger("oscar.checkout")

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


class OrderPlacementMixin(mixins.OrderPlacementMixin):
    def place_order(self, *args, **kwargs):
        """The order, its payment and the e-mails it owes, all in one transaction; the address and the
        address book's count go with it or not at all."""
        from shop.order.notifications import order_placed

        kwargs.setdefault("language", (translation.get_language() or "vi")[:2])
        with transaction.atomic():
            order = super().place_order(*args, **kwargs)
            new_payment(order, self.chosen_payment_method())
            order_placed(order)
        return order

    def handle_payment(self, order_number, total, **kwargs):
        """Nothing is taken before the order exists: cash is paid on receipt, a transfer or a card payment
        follows on the order's own page (shop.payments), so the amount is always the order's."""

    def handle_order_placement(self, order_number, user, basket, *args, **kwargs):
        """Place the order once: a second "place order" for the same basket (a double click) waits for
        the first and is sent where the first went. When another buyer took the last units meanwhile,
        send the buyer back to the basket, thawed and as it was, saying what is left."""
        try:
            with transaction.atomic():
                Basket.objects.select_for_update().filter(pk=basket.pk).first()
                placed = Order.objects.filter(number=order_number).first()
                if placed is not None:
                    logger.info("Order #%s: already placed, not placing it twice", order_number)
                    basket.submit()  # this request froze it again
                    return redirect(self.after_placing_url(placed))
                return super().handle_order_placement(order_number, user, basket, *args, **kwargs)
        except SoldOut as sold_out:
            logger.info("Order #%s: not placed, sold out (%s)", order_number, sold_out)
            self.restore_frozen_basket()
            messages.error(self.request, sold_out.message)
            return redirect("basket:summary")

    def handle_successful_order(self, order):
        self.placed_order = order
        return super().handle_successful_order(order)

    def get_success_url(self):
        return self.after_placing_url(self.placed_order)

    @staticmethod
    def after_placing_url(order):
        """A card order goes on to the card payment page; every other order to the confirmation."""
        if order.payment.method == PaymentMethod.CARD:
            return reverse("payments:card", kwargs={"number": order.number, "hash": order.verification_hash()})
        return reverse("checkout:thank-you")

    def send_order_placed_email(self, order):
        """The buyer's confirmation is one of the e-mails the order owes (shop.order.notifications), sent by
        Celery after commit, rather than Oscar's, sent during the request."""
