"""Orders paid by card, and signed Stripe events, for the card payment tests (unit, functional, integration)."""

import hashlib
import hmac
import json
import time
import uuid

from shop.payments.models import PaymentMethod, PaymentState
from shop.payments.services import new_payment, record_payment
from tests.factories import certified_product, placed_order

WEBHOOK_SECRET = "whsec_ocop_test"


def card_order(quantities=(2,), *, user=None):
    """A placed order of one product per quantity, its payment a card payment awaited."""
    order = placed_order([(certified_product(), quantity) for quantity in quantities], user=user)
    payment = new_payment(order, PaymentMethod.CARD)
    order.payment = payment
    return order


def paid_card_order(quantities=(2,), *, payment_intent_id=None):
    order = card_order(quantities)
    payment = order.payment
    payment.stripe_payment_intent_id = payment_intent_id or f"pi_{uuid.uuid4().hex[:14]}"
    payment.card_attempts = 1
    payment.save()
    record_payment(payment, payment.amount)
    assert payment.state == PaymentState.PAID
    return order


def sign(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """Stripe's ``Stripe-Signature`` header for ``payload`` (text), made at ``timestamp``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def event_payload(event_type, intent_id, *, event_id=None, status="succeeded", amount=0, metadata=None):
    """A Stripe event as Stripe sends it (JSON text), about the PaymentIntent ``intent_id``."""
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex[:14]}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {
                "object": {
                    "id": intent_id,
                    "object": "payment_intent",
                    "status": status,
                    "amount": amount,
                    "currency": "vnd",
                    "metadata": metadata or {},
                }
            },
        }
    )
