"""Card payments through Stripe: the client, an order's PaymentIntent, and settling it.

Amounts are always computed here, on the server, from the order: VND is a zero-decimal currency, so the
amount Stripe receives is the order's total in đồng as an integer. No card data ever reaches this module:
only the ids of PaymentIntents and of payment methods (``pm_…``, or ``card_…`` of a Stripe.js token).

Every call that creates something at Stripe carries an idempotency key, so that a retried request never
charges twice: ``order-<number>-attempt-<n>`` for a PaymentIntent, ``refund-<id>`` for a refund.
"""

import logging
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings
from django.db import transaction

from shop.payments.models import Payment, PaymentMethod, PaymentState, ReconciliationFlag
from shop.payments.services import record_payment_received

logger = logging.getLogger(__name__)

CURRENCY = "vnd"
#: States of a PaymentIntent that can still be cancelled (Stripe's list).
CANCELLABLE = {"requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"}
#: States in which a PaymentIntent can still be paid by the buyer on the card page.
PAYABLE = {"requires_payment_method", "requires_confirmation", "requires_action"}


class CardPaymentsDisabled(Exception):
    """Stripe's keys are not configured: card payments are not offered."""


def card_payments_enabled():
    """True when both Stripe keys are set: only then is "Card" offered at checkout."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def client():
    """A Stripe client on our secret key, pointed at ``STRIPE_API_BASE`` when set (localstripe in tests)."""
    if not card_payments_enabled():
        raise CardPaymentsDisabled("STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are not both set")
    options = {"max_network_retries": 2}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE.rstrip("/")}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def stripe_amount(order):
    """The order's total as Stripe's integer amount of VND (đồng, no minor unit)."""
    return int(Decimal(order.total_incl_tax).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def idempotency_key(order, attempt):
    return f"order-{order.number}-attempt-{attempt}"


def intent_params(order, **extra):
    """What every PaymentIntent of ``order`` is created with; the amount and currency come from the order."""
    return {
        "amount": stripe_amount(order),
        "currency": CURRENCY,
        "payment_method_types": ["card"],
        "metadata": {"order_number": str(order.number)},
        **extra,
    }


def retrieve_intent(payment_intent_id):
    return client().v1.payment_intents.retrieve(payment_intent_id)


def _lock(payment):
    return Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)


def _new_intent(locked, **extra):
    """Create the next attempt's PaymentIntent for the locked payment and store its id."""
    order = locked.order
    attempt = locked.card_attempts + 1
    intent = client().v1.payment_intents.create(
        intent_params(order, **extra), {"idempotency_key": idempotency_key(order, attempt)}
    )
    locked.card_attempts = attempt
    locked.stripe_payment_intent_id = intent.id
    locked.save(update_fields=["card_attempts", "stripe_payment_intent_id", "updated_at"])
    return intent


def _cancel_quietly(payment_intent_id):
    """Cancel a PaymentIntent we no longer use, if it still can be; a failure is logged, not raised
    (the reconciliation task flags any money it took after all)."""
    try:
        intent = retrieve_intent(payment_intent_id)
        if intent.status in CANCELLABLE:
            client().v1.payment_intents.cancel(payment_intent_id)
    except stripe.StripeError:
        logger.warning("Could not cancel PaymentIntent %s", payment_intent_id, exc_info=True)


def payment_intent_for(payment):
    """The PaymentIntent the buyer pays ``payment`` with on the card page: the current one when it can
    still be paid and is for the order's amount, else a new one (the old one cancelled). Returns the
    PaymentIntent, which may be ``succeeded`` or ``processing`` already (the caller shows that)."""
    with transaction.atomic():
        locked = _lock(payment)
        if locked.method != PaymentMethod.CARD:
            raise ValueError(f"payment {locked.pk} is not a card payment")
        if locked.stripe_payment_intent_id:
            intent = retrieve_intent(locked.stripe_payment_intent_id)
            usable = intent.amount == stripe_amount(locked.order) and intent.currency == CURRENCY
            if intent.status in ("succeeded", "processing") or (intent.status in PAYABLE and usable):
                payment.refresh_from_db()
                return intent
            if intent.status in CANCELLABLE:
                _cancel_quietly(intent.id)
        intent = _new_intent(locked)
    payment.refresh_from_db()
    return intent


def confirm_with_payment_method(payment, payment_method_id):
    """Pay ``payment`` with a payment method made in the browser (``pm_…`` or a token's ``card_…``):
    a fresh PaymentIntent created with it and confirmed at once.

    This is the route of the card form when Stripe.js has no Payment Element (localstripe's stand-in
    for Stripe.js, in development and tests): localstripe cannot confirm an existing PaymentIntent with
    a new payment method, nor retry one whose charge failed, so each try is a new attempt with its own
    idempotency key, and the previous PaymentIntent is cancelled first so that it can never be paid too.
    Returns the PaymentIntent (``succeeded``, ``requires_action`` for 3-D Secure, or failed with
    ``last_payment_error``); raises ``stripe.CardError`` when the card is declined outright."""
    with transaction.atomic():
        locked = _lock(payment)
        if locked.method != PaymentMethod.CARD or locked.state != PaymentState.AWAITING:
            raise ValueError(f"payment {locked.pk} is not an awaited card payment")
        if locked.stripe_payment_intent_id:
            current = retrieve_intent(locked.stripe_payment_intent_id)
            if current.status in ("succeeded", "processing"):
                payment.refresh_from_db()
                return current
            if current.status in CANCELLABLE:
                client().v1.payment_intents.cancel(current.id)
        declined = None
        try:
            intent = _new_intent(locked, payment_method=payment_method_id, confirm=True)
        except stripe.CardError as error:
            # Real Stripe names the PaymentIntent it created and failed: keep it as the current one.
            failed = getattr(error.error, "payment_intent", None) if error.error else None
            locked.card_attempts += 1
            locked.stripe_payment_intent_id = getattr(failed, "id", None) or None
            locked.save(update_fields=["card_attempts", "stripe_payment_intent_id", "updated_at"])
            declined = error
    payment.refresh_from_db()
    if declined is not None:
        raise declined
    return intent


def flag(kind, intent, payment=None, details=""):
    """Record a disagreement between Stripe and our orders, once per kind and PaymentIntent."""
    flag, created = ReconciliationFlag.objects.get_or_create(
        kind=kind, payment_intent_id=intent.id, defaults={"payment": payment, "details": details}
    )
    if created:
        logger.warning("Reconciliation: %s for PaymentIntent %s (%s)", kind, intent.id, details)
    return flag


def record_card_payment(payment, intent):
    """``intent`` (re-read from Stripe) succeeded for ``payment``: record it when the amount and currency
    are the order's, and owe the buyer their "payment received" e-mail. Returns True when this call
    marked the order paid. A different amount is flagged for staff and does not pay the order."""
    expected = int(payment.amount)
    if intent.amount != expected or intent.currency != CURRENCY:
        flag(
            ReconciliationFlag.Kind.AMOUNT_MISMATCH,
            intent,
            payment,
            f"Stripe: {intent.amount} {intent.currency}; order {payment.order.number}: {expected} {CURRENCY}",
        )
        return False
    return record_payment_received(payment, Decimal(intent.amount))


def settle_from_stripe(payment):
    """Ask Stripe where ``payment``'s PaymentIntent is, before giving the order up: succeeded (for the
    order's amount) → the payment is recorded and True; otherwise the PaymentIntent is cancelled when it
    still can be, so that it can no longer take money, and False.

    Called by the cancellation of unpaid orders; safe to call twice. Raises ``stripe.StripeError`` when
    Stripe cannot be asked: the caller must then leave the order as it is and try again later."""
    if payment.method != PaymentMethod.CARD or not payment.stripe_payment_intent_id:
        return False
    if payment.is_settled:
        return True
    intent = retrieve_intent(payment.stripe_payment_intent_id)
    if intent.status in CANCELLABLE:
        try:
            intent = client().v1.payment_intents.cancel(intent.id)
        except stripe.InvalidRequestError:
            # It moved on meanwhile (the buyer paid this very second): look once more.
            intent = retrieve_intent(intent.id)
    if intent.status == "succeeded":
        record_card_payment(payment, intent)
        payment.refresh_from_db()
        return payment.is_settled
    return False
