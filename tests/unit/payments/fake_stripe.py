"""A fake of the Stripe client's few calls the gateway makes, recording them, for the unit tests."""

import itertools
from types import SimpleNamespace

import stripe

_ids = itertools.count(1)


class FakePaymentIntents:
    def __init__(self):
        self.intents = {}
        self.created = []  # (params, options)
        self.cancelled = []

    def create(self, params, options=None):
        self.created.append((params, options or {}))
        intent = SimpleNamespace(
            id=f"pi_fake{next(_ids)}",
            amount=params["amount"],
            currency=params["currency"],
            metadata=params.get("metadata", {}),
            status="succeeded" if params.get("confirm") else "requires_payment_method",
            client_secret="secret",
            created=0,
            last_payment_error=None,
        )
        intent.client_secret = f"{intent.id}_secret_x"
        self.intents[intent.id] = intent
        return intent

    def retrieve(self, intent_id, params=None, options=None):
        try:
            return self.intents[intent_id]
        except KeyError:
            raise stripe.InvalidRequestError(f"No such payment_intent: {intent_id}", "intent") from None

    def cancel(self, intent_id, params=None, options=None):
        self.cancelled.append(intent_id)
        intent = self.intents[intent_id]
        intent.status = "canceled"
        return intent


class FakeRefunds:
    def __init__(self):
        self.created = []

    def create(self, params, options=None):
        self.created.append((params, options or {}))
        return SimpleNamespace(id=f"re_fake{next(_ids)}", amount=params["amount"], status="succeeded")


class FakeStripe:
    def __init__(self):
        self.v1 = SimpleNamespace(payment_intents=FakePaymentIntents(), refunds=FakeRefunds())

    @property
    def payment_intents(self):
        return self.v1.payment_intents

    @property
    def refunds(self):
        return self.v1.refunds

    def intent(self, *, amount, status="succeeded", currency="vnd", metadata=None):
        """A PaymentIntent already at Stripe (made by hand, not through create)."""
        intent = SimpleNamespace(
            id=f"pi_fake{next(_ids)}",
            amount=amount,
            currency=currency,
            metadata=metadata or {},
            status=status,
            client_secret="x",
            created=0,
            last_payment_error=None,
        )
        self.payment_intents.intents[intent.id] = intent
        return intent


def install(monkeypatch, settings):
    """Stripe's keys set and the gateway's client replaced by a FakeStripe, which is returned."""
    from tests.unit.payments.cards import WEBHOOK_SECRET

    settings.STRIPE_SECRET_KEY = "sk_test_ocop"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_ocop"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake = FakeStripe()
    monkeypatch.setattr("shop.payments.stripe_gateway.client", lambda: fake)
    return fake
