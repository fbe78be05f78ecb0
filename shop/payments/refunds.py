"""Refunds of card payments through Stripe: the whole order, or one line.

Under a row lock on the payment, so that two staff members refunding at once cannot together give back
more than was received: never more than ``payment.refundable`` (the database checks it too), and for a
line never more than its price less what was already refunded for it.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from oscar.templatetags.currency_filters import currency

from shop.payments import stripe_gateway
from shop.payments.models import Payment, PaymentMethod, PaymentState, Refund


def _money(value):
    return currency(value, "VND")


def refunded_for_line(line):
    return line.refunds.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def line_refundable(line, refunded=None):
    """What can still be refunded for ``line``: its price (VAT included) less its refunds so far
    (``refunded`` when the caller has already summed them, else read now)."""
    if refunded is None:
        refunded = refunded_for_line(line)
    return max(Decimal(line.line_price_incl_tax).quantize(Decimal(1)) - refunded, Decimal(0))


def refund_idempotency_key(payment, amount, line, refunded_before):
    """The same refund asked again in the same state (a retried request) is the same key: Stripe makes
    it once. A later refund starts from another ``refunded_before`` and has a key of its own."""
    target = f"line-{line.pk}" if line is not None else "order"
    return f"refund-order-{payment.order.number}-after-{int(refunded_before)}-{target}-{int(amount)}"


def clean_amount(amount):
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("Enter the amount to refund as a whole number of đồng.")) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise ValidationError(_("Enter the amount to refund as a whole number of đồng."))
    if amount <= 0:
        raise ValidationError(_("The amount to refund must be more than zero."))
    return amount


def refund(payment, amount, *, line=None, reason="", by=None, expected_refunded=None):
    """Give ``amount`` đồng of the card ``payment`` back through Stripe, for the whole order or for
    ``line``. ``expected_refunded``, when given, is what the staff member saw as already refunded: if
    someone refunded meanwhile, the request is refused rather than refunding twice.

    Returns the Refund; raises ValidationError (nothing refunded) when the refund is not allowed, and
    stripe.StripeError when Stripe refuses it (nothing stored)."""
    amount = clean_amount(amount)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
        if locked.method != PaymentMethod.CARD or not locked.stripe_payment_intent_id:
            raise ValidationError(_("Only card payments are refunded here."))
        if not locked.is_settled:
            raise ValidationError(_("This payment has not been received: there is nothing to refund."))
        if expected_refunded is not None and Decimal(expected_refunded) != locked.amount_refunded:
            raise ValidationError(
                _("Someone refunded this order meanwhile (%(refunded)s in all now). Check the amounts and try again.")
                % {"refunded": _money(locked.amount_refunded)}
            )
        if amount > locked.refundable:
            raise ValidationError(
                _("At most %(refundable)s of this payment can still be refunded.")
                % {"refundable": _money(locked.refundable)}
            )
        if line is not None:
            if line.order_id != locked.order_id:
                raise ValidationError(_("This line is not part of the order."))
            cap = line_refundable(line)
            if amount > cap:
                raise ValidationError(
                    _("At most %(refundable)s can still be refunded for this line.") % {"refundable": _money(cap)}
                )
        key = refund_idempotency_key(locked, amount, line, locked.amount_refunded)
        stripe_refund = stripe_gateway.client().v1.refunds.create(
            {
                "payment_intent": locked.stripe_payment_intent_id,
                "amount": int(amount),
                "metadata": {"order_number": str(locked.order.number), "line": str(line.pk) if line else ""},
            },
            {"idempotency_key": key},
        )
        record = Refund.objects.create(
            payment=locked,
            line=line,
            amount=amount,
            reason=reason,
            stripe_refund_id=stripe_refund.id,
            created_by=by,
        )
        locked.amount_refunded += amount
        locked.state = (
            PaymentState.REFUNDED
            if locked.amount_refunded >= locked.amount_received
            else PaymentState.PARTIALLY_REFUNDED
        )
        locked.save(update_fields=["amount_refunded", "state", "updated_at"])
    payment.refresh_from_db()
    return record
