"""Reconciliation of card payments with Stripe: what Stripe charged and what our orders say must agree.

Each run (hourly, shop.payments.tasks.reconcile_card_payments):

1. processes the webhook events stored but left unprocessed (their task failed for good);
2. lists Stripe's PaymentIntents of the window: a succeeded one whose order is not paid is applied as
   its webhook would have been (shop.payments.webhooks.apply_payment_intent: the order paid; if it was
   cancelled meanwhile, the money recorded and flagged CHARGED_WITHOUT_PAID_ORDER for a refund); one
   with no order, or of an order paid by another PaymentIntent, is flagged CHARGED_WITHOUT_PAID_ORDER;
3. re-reads the PaymentIntent of each card payment we hold as received in the window: one that Stripe
   does not have as succeeded is flagged PAID_WITHOUT_CHARGE.

Flags are unique per kind and PaymentIntent, so running twice flags nothing twice.
"""

import logging
from collections import Counter
from datetime import timedelta

import stripe
from django.utils import timezone

from shop.payments import stripe_gateway, webhooks
from shop.payments.models import SETTLED_STATES, Payment, PaymentMethod, ReconciliationFlag, StripeEvent

logger = logging.getLogger(__name__)

#: Each hourly run looks this far back, so that a run that failed is covered by the next ones.
DEFAULT_WINDOW_HOURS = 48
#: An event still unprocessed this long after it arrived has lost its task.
STALE_EVENT_AGE = timedelta(minutes=10)


def recent_intents(since):
    """Stripe's PaymentIntents created since ``since``, newest first at Stripe. localstripe refuses the
    ``created`` filter: then the whole (test) list is read and filtered here."""
    payment_intents = stripe_gateway.client().v1.payment_intents
    created = int(since.timestamp())
    try:
        page = payment_intents.list({"limit": 100, "created": {"gte": created}})
    except stripe.InvalidRequestError:
        page = payment_intents.list({"limit": 100})
    for intent in page.auto_paging_iter():
        if intent.created >= created:
            yield intent


def reprocess_stale_events(counts):
    stale = StripeEvent.objects.filter(processed_at__isnull=True, received_at__lt=timezone.now() - STALE_EVENT_AGE)
    for pk in stale.values_list("pk", flat=True)[:500]:
        try:
            webhooks.process_event(pk)
            counts["events_reprocessed"] += 1
        except stripe.StripeError:
            logger.warning("Stripe event %s could not be processed again", pk, exc_info=True)


def check_stripe_side(since, counts):
    Kind = ReconciliationFlag.Kind
    for intent in recent_intents(since):
        counts["intents_read"] += 1
        if intent.status != "succeeded":
            continue
        payment = webhooks.find_payment(intent)
        if payment is None:
            stripe_gateway.flag(Kind.CHARGED_WITHOUT_PAID_ORDER, intent, None, "no order for this PaymentIntent")
            counts["flagged"] += 1
        elif payment.is_settled and payment.stripe_payment_intent_id == intent.id:
            continue
        elif not payment.is_settled:
            # Its webhook never reached us (or failed for good): do what it would have done.
            outcome = webhooks.apply_payment_intent(intent)
            counts["recorded"] += 1
            logger.warning("Reconciliation: PaymentIntent %s had not reached us: %s", intent.id, outcome)
        else:
            stripe_gateway.flag(
                Kind.CHARGED_WITHOUT_PAID_ORDER,
                intent,
                payment,
                f"order {payment.order.number} was paid by {payment.stripe_payment_intent_id}",
            )
            counts["flagged"] += 1


def check_our_side(since, counts):
    Kind = ReconciliationFlag.Kind
    received = Payment.objects.filter(method=PaymentMethod.CARD, state__in=SETTLED_STATES, paid_at__gte=since)
    for payment in received.select_related("order").iterator():
        counts["payments_read"] += 1
        if not payment.stripe_payment_intent_id:
            ReconciliationFlag.objects.get_or_create(
                kind=Kind.PAID_WITHOUT_CHARGE,
                payment_intent_id=f"order-{payment.order.number}",
                defaults={"payment": payment, "details": "a card payment received without a PaymentIntent"},
            )
            counts["flagged"] += 1
            continue
        try:
            intent = stripe_gateway.retrieve_intent(payment.stripe_payment_intent_id)
        except stripe.InvalidRequestError as error:
            ReconciliationFlag.objects.get_or_create(
                kind=Kind.PAID_WITHOUT_CHARGE,
                payment_intent_id=payment.stripe_payment_intent_id,
                defaults={"payment": payment, "details": f"Stripe does not know it: {error.user_message or error}"},
            )
            counts["flagged"] += 1
            continue
        if intent.status != "succeeded":
            stripe_gateway.flag(
                Kind.PAID_WITHOUT_CHARGE, intent, payment, f"order {payment.order.number}; Stripe: {intent.status}"
            )
            counts["flagged"] += 1


def reconcile(since):
    """One reconciliation run over what happened since ``since``; returns counts of what it did."""
    counts = Counter()
    reprocess_stale_events(counts)
    check_stripe_side(since, counts)
    check_our_side(since, counts)
    logger.info("Card payment reconciliation since %s: %s", since.isoformat(), dict(counts))
    return dict(counts)
