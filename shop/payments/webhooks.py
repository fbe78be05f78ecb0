"""Stripe's webhook: events verified, stored once under their id, then processed by a Celery task.

The view answers as soon as the event is stored (Stripe wants a quick 2xx); the work, which asks Stripe
for the PaymentIntent's current state, runs in ``shop.payments.tasks.process_stripe_event`` once the
event's row is committed. Without a broker (development, tests) Celery runs it eagerly at that moment;
with one, a slow or unreachable Stripe delays the task (it retries with backoff), never the answer.
An event whose processing failed for good stays unprocessed and the hourly reconciliation runs it again.

Every event acts on the PaymentIntent as Stripe has it now, not on the copy inside the event: events
may arrive late, twice or out of order (a ``payment_failed`` after ``succeeded``), and a payment once
recorded is never undone by an event.
"""

import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.payments import stripe_gateway
from shop.payments.models import Payment, PaymentState, StripeEvent

logger = logging.getLogger(__name__)


def _payment_intent_id(event):
    if not event.type.startswith("payment_intent."):
        return ""
    data = getattr(event, "data", None)
    obj = getattr(data, "object", None) if data is not None else None
    return getattr(obj, "id", "") or ""


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set: refused")
        return HttpResponseBadRequest("webhook secret not configured")
    try:
        payload = request.body.decode("utf-8")
        event = stripe.Webhook.construct_event(
            payload,
            request.headers.get("Stripe-Signature"),
            secret,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE,
        )
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("invalid payload")
    except stripe.SignatureVerificationError:
        logger.warning("A Stripe webhook with a bad, missing or stale signature was refused")
        return HttpResponseBadRequest("invalid signature")

    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=event.id, type=event.type, payment_intent_id=_payment_intent_id(event)
            )
    except IntegrityError:
        # Delivered before (or being delivered right now by a concurrent request): done once already.
        return HttpResponse("duplicate event")

    from shop.payments.tasks import process_stripe_event

    # robust: a failure to enqueue (or of the eager run) leaves the event stored and unprocessed, for the
    # reconciliation to pick up; Stripe has its answer either way.
    transaction.on_commit(lambda: process_stripe_event.delay(stored.pk), robust=True)
    return HttpResponse("ok")


def find_payment(intent):
    """The card payment ``intent`` is for: by its id, else by the order number in its metadata."""
    payment = Payment.objects.select_related("order").filter(stripe_payment_intent_id=intent.id).first()
    if payment is None:
        metadata = getattr(intent, "metadata", None)
        number = metadata.get("order_number") if metadata is not None and hasattr(metadata, "get") else None
        if number is None and metadata is not None:
            number = getattr(metadata, "order_number", None)
        if number:
            payment = Payment.objects.select_related("order").filter(order__number=number).first()
    return payment


def process_event(event_pk):
    """Act on a stored event once: returns its outcome. Safe to run twice (the second run does nothing)."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return event.outcome
        if not event.payment_intent_id:
            outcome = "ignored"
        else:
            outcome = apply_payment_intent(stripe_gateway.retrieve_intent(event.payment_intent_id))
        event.processed_at = timezone.now()
        event.outcome = outcome
        event.save(update_fields=["processed_at", "outcome"])
    return outcome


def apply_payment_intent(intent):
    """Bring our payment in line with ``intent`` (as Stripe has it now); returns what was done.

    A succeeded PaymentIntent pays its order (once, for the order's amount and in đồng). If the order
    was given up meanwhile (cancelled unpaid), the money is recorded all the same, as
    shop.payments.services.record_payment does for any late money, and flagged for staff to refund."""
    Kind = stripe_gateway.ReconciliationFlag.Kind
    payment = find_payment(intent)
    if payment is None:
        if intent.status == "succeeded":
            stripe_gateway.flag(
                Kind.CHARGED_WITHOUT_PAID_ORDER, intent, details=f"no order for PaymentIntent {intent.id}"
            )
            return "succeeded, no order: flagged"
        return f"{intent.status}, no order"
    number = payment.order.number
    if intent.status != "succeeded":
        return f"{intent.status}: order {number} unchanged"
    if payment.stripe_payment_intent_id != intent.id:
        if payment.is_settled:
            # A second PaymentIntent of an order already paid took money too.
            stripe_gateway.flag(
                Kind.CHARGED_WITHOUT_PAID_ORDER,
                intent,
                payment,
                f"order {number} was paid by {payment.stripe_payment_intent_id}",
            )
            return "succeeded, order paid by another PaymentIntent: flagged"
        # An earlier attempt succeeded after all (or the current one's id was never stored): it pays.
        Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent.id)
        payment.stripe_payment_intent_id = intent.id
    was_cancelled = payment.state == PaymentState.CANCELLED
    if stripe_gateway.record_card_payment(payment, intent):
        if was_cancelled:
            stripe_gateway.flag(
                Kind.CHARGED_WITHOUT_PAID_ORDER,
                intent,
                payment,
                f"order {number} was cancelled unpaid before this payment arrived: refund it",
            )
            return f"succeeded: order {number} was cancelled; payment recorded and flagged"
        return f"succeeded: order {number} paid"
    payment.refresh_from_db()
    if payment.is_settled:
        return f"succeeded: order {number} already paid"
    return f"succeeded: amount {intent.amount} {intent.currency} differs from order {number}: flagged"
