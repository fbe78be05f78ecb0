"""Card payments' background work: Stripe's events, and the hourly reconciliation with Stripe."""

import logging
from datetime import timedelta

import stripe
from celery import shared_task
from django.utils import timezone

from shop.payments import reconciliation, stripe_gateway, webhooks

logger = logging.getLogger(__name__)

#: Stripe unreachable or busy: worth trying again later. A card or request error is not.
TRANSIENT = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=6)
def process_stripe_event(event_pk):
    """Process one stored Stripe event (shop.payments.webhooks.process_event); idempotent."""
    return webhooks.process_event(event_pk)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=3)
def reconcile_card_payments(hours=reconciliation.DEFAULT_WINDOW_HOURS):
    """Compare the last ``hours`` of Stripe's PaymentIntents with our orders and flag what disagrees
    (shop.payments.reconciliation); run hourly by Celery beat. Does nothing without Stripe keys."""
    if not stripe_gateway.card_payments_enabled():
        return {}
    return reconciliation.reconcile(since=timezone.now() - timedelta(hours=hours))
