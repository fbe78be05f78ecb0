"""The buyer's card payment pages: the card form, the server-side confirmation of the stand-in's route,
and the page Stripe returns the buyer to.

An order's card pages are reached with its verification hash (as Oscar's anonymous order page is), so
that nobody else can open them. Card data goes from the buyer's browser to Stripe only: our server sees
a PaymentIntent's client secret and, on the stand-in's route, a payment method's id.
"""

import json
import logging
import re

import stripe
from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from shop.payments import stripe_gateway
from shop.payments.models import PaymentMethod, PaymentState

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")

#: The ids the browser may send us: a PaymentMethod's, or a Stripe.js token's card. Never card data.
PAYMENT_METHOD_ID = re.compile(r"^(pm|card)_[A-Za-z0-9_]{1,200}$")
#: How often the return page looks again while the payment is processing (seconds).
REFRESH_SECONDS = 3


def card_payment(number, hash):
    """The order ``number`` and its card payment, when ``hash`` is its verification hash; else 404."""
    order = get_object_or_404(Order.objects.select_related("payment"), number=number)
    if not order.check_verification_hash(hash):
        raise Http404
    payment = getattr(order, "payment", None)
    if payment is None or payment.method != PaymentMethod.CARD:
        raise Http404
    return order, payment


def card_urls(order):
    kwargs = {"number": order.number, "hash": order.verification_hash()}
    return {
        "card_url": reverse("payments:card", kwargs=kwargs),
        "confirm_url": reverse("payments:card-confirm", kwargs=kwargs),
        "return_url": reverse("payments:card-return", kwargs=kwargs),
    }


def unavailable(request, order, payment, status=503):
    return render(
        request,
        "payments/card_unavailable.html",
        {"order": order, "payment": payment, **card_urls(order)},
        status=status,
    )


def stripe_locale():
    return "vi" if (get_language() or "vi").startswith("vi") else "en"


class CardPaymentView(View):
    """The card form, for an order awaiting its card payment."""

    def get(self, request, number, hash):
        order, payment = card_payment(number, hash)
        urls = card_urls(order)
        if payment.state != PaymentState.AWAITING:
            return redirect(urls["return_url"])
        if not stripe_gateway.card_payments_enabled():
            return unavailable(request, order, payment)
        try:
            intent = stripe_gateway.payment_intent_for(payment)
        except stripe.StripeError:
            logger.exception("No PaymentIntent for order %s", order.number)
            return unavailable(request, order, payment)
        if intent.status in ("succeeded", "processing"):
            return redirect(urls["return_url"])
        context = {
            "order": order,
            "payment": payment,
            "lines": order.lines.all(),
            "client_secret": intent.client_secret,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "stripe_locale": stripe_locale(),
            "absolute_return_url": request.build_absolute_uri(urls["return_url"]),
            **urls,
        }
        return render(request, "payments/card.html", context)


def _payment_method_id(request):
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return ""
        value = data.get("payment_method", "") if isinstance(data, dict) else ""
    else:
        value = request.POST.get("payment_method", "")
    return value if isinstance(value, str) else ""


@require_POST
def confirm_card_payment(request, number, hash):
    """The stand-in's route (Stripe.js without the Payment Element): the browser made a token (or a
    PaymentMethod) at Stripe and sends only its id; we confirm the order's payment with it."""
    order, payment = card_payment(number, hash)
    urls = card_urls(order)
    if not stripe_gateway.card_payments_enabled():
        return JsonResponse({"error": _("Card payments are not available at the moment.")}, status=503)
    if payment.state != PaymentState.AWAITING:
        return JsonResponse({"status": payment.state, "redirect": urls["return_url"]})
    payment_method = _payment_method_id(request)
    if not PAYMENT_METHOD_ID.match(payment_method):
        return JsonResponse({"error": _("The card could not be read. Check it and try again.")}, status=400)
    try:
        intent = stripe_gateway.confirm_with_payment_method(payment, payment_method)
    except stripe.CardError:
        return JsonResponse({"error": _("Your card was declined. Try another card.")}, status=402)
    except stripe.StripeError:
        logger.exception("Confirming the card payment of order %s failed", order.number)
        return JsonResponse(
            {"error": _("The payment could not be made just now. Nothing was charged; try again in a moment.")},
            status=502,
        )
    response = {"status": intent.status, "redirect": urls["return_url"]}
    if intent.status == "requires_action":
        response["client_secret"] = intent.client_secret
    elif intent.status == "requires_payment_method":
        response["error"] = _("Your card was declined. Try another card.")
    return JsonResponse(response)


class CardReturnView(View):
    """Where the buyer lands after paying: what our database says (the webhook marks the order paid,
    not the browser's return), and Stripe's word on a failure while we still await the money."""

    def get(self, request, number, hash):
        order, payment = card_payment(number, hash)
        outcome = self.outcome(payment)
        context = {
            "order": order,
            "payment": payment,
            "outcome": outcome,
            "refresh_seconds": REFRESH_SECONDS,
            **card_urls(order),
        }
        return render(request, "payments/card_return.html", context)

    def outcome(self, payment):
        if payment.is_settled:
            return "paid"
        if payment.state == PaymentState.CANCELLED:
            return "cancelled"
        if payment.state != PaymentState.AWAITING:
            return "other"
        if not payment.stripe_payment_intent_id or not stripe_gateway.card_payments_enabled():
            return "unfinished"
        try:
            intent = stripe_gateway.retrieve_intent(payment.stripe_payment_intent_id)
        except stripe.StripeError:
            logger.warning("Could not read PaymentIntent %s", payment.stripe_payment_intent_id, exc_info=True)
            return "processing"
        if intent.status in ("succeeded", "processing"):
            return "processing"  # the webhook is on its way
        if intent.status == "requires_payment_method" and intent.last_payment_error:
            return "failed"
        if intent.status == "canceled":
            return "failed"
        return "unfinished"
