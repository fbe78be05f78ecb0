"""Orders whose money did not come in time: a VietQR transfer or a card payment still awaited after
``pay_by`` cancels the order, so that its stock is for sale again.

The periodic task (shop.order.tasks.cancel_overdue_payments) calls ``cancel_overdue_payment`` for each
overdue payment. A card payment is first settled with Stripe: if the money did arrive (a webhook
lost or late), the order is paid and stays; otherwise its PaymentIntent is cancelled, so no money
can arrive after the order is given up. Then ``cancel_unpaid_order`` cancels every line still open
(their allocated stock returns), marks the payment cancelled and owes the buyer one e-mail saying so,
all under the payment's row lock: a payment recorded at the same moment either comes first (the
order stays paid) or finds the payment cancelled.

Money that arrives all the same after the cancellation (a transfer made late) is recorded by
shop.payments.services.record_payment: the payment becomes paid and the money is never lost, but
the lines stay cancelled and their stock sold to others; the payment-received e-mail then tells the
buyer their order was cancelled and that the money will be refunded.
"""

import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from shop.order.fulfilment import cancel_line
from shop.order.models import LineStatus, OrderNotification
from shop.order.notifications import owe
from shop.payments.models import Payment, PaymentMethod, PaymentState

logger = logging.getLogger(__name__)


def overdue_payments(now=None):
    """The payments still awaited after their deadline, oldest deadline first."""
    now = now or timezone.now()
    return Payment.objects.filter(state=PaymentState.AWAITING, pay_by__lt=now).order_by("pay_by", "pk")


def not_paid_in_time_reason(order):
    """Why the lines are cancelled, as the buyer (in their order's language) reads it."""
    with translation.override(order.language or "vi"):
        return gettext("Not paid in time")


def cancel_overdue_payment(payment, now=None):
    """Give up ``payment``'s order if its money is still missing after ``pay_by``. Returns True when the
    order was cancelled now, False when it was paid after all, is no longer awaited or not overdue."""
    now = now or timezone.now()
    if payment.state != PaymentState.AWAITING or payment.pay_by is None or payment.pay_by >= now:
        return False
    if payment.method == PaymentMethod.CARD:
        from shop.payments.stripe_gateway import card_payments_enabled, settle_from_stripe

        if card_payments_enabled() and settle_from_stripe(payment):
            logger.info("Card payment %s was paid after all; order %s stays", payment.pk, payment.order_id)
            return False
    return cancel_unpaid_order(payment, not_paid_in_time_reason(payment.order), overdue_at=now)


def cancel_unpaid_order(payment, reason, *, overdue_at=None):
    """Cancel the order of an awaited ``payment`` for ``reason``: every line not yet cancelled (its stock
    returns), the payment marked cancelled, and the buyer owed one e-mail about the whole order (the
    lines' own cancellation e-mails are not sent).

    Under the payment's row lock the payment must still be awaited (and, with ``overdue_at``, still
    overdue then): otherwise nothing changes and False is returned. An order with a line already
    shipped is not cancelled (False, and a warning for the staff): its goods are on their way.
    """
    with transaction.atomic():
        locked = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
        if locked.state != PaymentState.AWAITING:
            payment.refresh_from_db()
            return False
        if overdue_at is not None and (locked.pay_by is None or locked.pay_by >= overdue_at):
            payment.refresh_from_db()
            return False
        order = locked.order
        open_lines = list(order.lines.exclude(status=LineStatus.CANCELLED).order_by("pk"))
        beyond_cancelling = [line for line in open_lines if LineStatus.CANCELLED not in line.available_statuses()]
        if beyond_cancelling:
            logger.warning(
                "Order %s is unpaid after its deadline but item(s) %s already left; not cancelled, staff must settle it",
                order.number,
                ", ".join(str(line.pk) for line in beyond_cancelling),
            )
            payment.refresh_from_db()
            return False
        for line in open_lines:
            cancel_line(line, user=None, reason=reason, notify_buyer=False)
        locked.state = PaymentState.CANCELLED
        locked.save(update_fields=["state", "updated_at"])
        owe(order, OrderNotification.Kind.BUYER_UNPAID_CANCELLED)
    payment.refresh_from_db()
    return True
