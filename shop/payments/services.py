"""A payment's state changes: money received, an unpaid order given up. Each runs under a row lock,
so a webhook, a staff member and the periodic task can race and the order is paid (or cancelled) once."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shop.payments.models import Payment, PaymentMethod, PaymentState

#: Methods whose money comes before the goods: their orders wait for it, and are cancelled without it.
PAID_IN_ADVANCE = (PaymentMethod.VIETQR, PaymentMethod.CARD)


def new_payment(order, method):
    """The payment of a just-placed order: cash waits for the delivery or pickup, a transfer or a card
    payment is awaited until ``PAYMENT_DEADLINE_HOURS`` have passed."""
    amount = order.total_incl_tax
    if method in PAID_IN_ADVANCE:
        state = PaymentState.AWAITING
        pay_by = timezone.now() + timedelta(hours=settings.PAYMENT_DEADLINE_HOURS)
    else:
        state, pay_by = PaymentState.TO_COLLECT, None
    return Payment.objects.create(
        order=order,
        method=method,
        state=state,
        amount=amount,
        pay_by=pay_by,
        transfer_note=transfer_note(order) if method == PaymentMethod.VIETQR else "",
    )


def transfer_note(order):
    """What the buyer types (or the QR code fills in) as the transfer's note: short, ASCII, unique."""
    return f"OCOP {order.number}"


def record_payment(payment, amount, *, by=None):
    """The money of ``payment`` arrived (``amount`` đồng): the order is paid. Returns True when this call
    marked it paid, False when it already was (a repeated webhook, a second click). A payment that was
    cancelled for want of money is paid all the same: the money is there and must not be lost."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.is_settled:
            payment.refresh_from_db()
            return False
        locked.state = PaymentState.PAID
        locked.amount_received = amount
        locked.paid_at = timezone.now()
        locked.received_by = by
        locked.save(update_fields=["state", "amount_received", "paid_at", "received_by", "updated_at"])
    payment.refresh_from_db()
    return True


def record_payment_received(payment, amount, *, by=None):
    """A transfer or a card payment arrived: ``record_payment``, and the buyer is owed the "payment
    received" e-mail when this call marked it paid. Returns what record_payment returns."""
    # Imported here: shop.order.notifications reaches this module again through shop.order.fulfilment.
    from shop.order.models import OrderNotification
    from shop.order.notifications import owe

    with transaction.atomic():
        recorded = record_payment(payment, amount, by=by)
        if recorded:
            owe(payment.order, OrderNotification.Kind.BUYER_PAYMENT_RECEIVED)
    return recorded


def record_cash_collected(order, *, by=None):
    """Once every item of a cash order still standing has been delivered or collected, the cash was
    paid: what the buyer received (its lines and the delivery charges of its parts) is recorded as
    received. Returns True when this call recorded it."""
    payment = Payment.objects.filter(order=order, method=PaymentMethod.CASH, state=PaymentState.TO_COLLECT).first()
    if payment is None:
        return False
    lines = list(order.lines.exclude(status="cancelled").select_related("fulfilment_group"))
    if not lines or any(line.status != "delivered" for line in lines):
        return False
    groups = {line.fulfilment_group for line in lines if line.fulfilment_group is not None}
    shipping = sum((group.shipping_charge for group in groups), 0) if groups else order.shipping_incl_tax
    amount = sum((line.line_price_incl_tax for line in lines), 0) + shipping
    return record_payment(payment, amount, by=by)
