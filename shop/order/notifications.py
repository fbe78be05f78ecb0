"""The e-mails an order owes, kept in an outbox: written with the order, sent after it commits.

``owe`` writes an OrderNotification row in the caller's transaction and asks Celery, once that
transaction has committed, to send it (shop.order.tasks.send_order_notification). A broker that is
down never undoes the order: the row stays unsent and the sweep (send_pending_order_notifications,
every minute) sends it when the broker is back. The send task locks the row and sets ``sent_at``,
so however often a row is enqueued, its e-mail goes once.

``notification_message`` writes each kind of e-mail: the buyer's in the order's language, the
producers' and sales points' in Vietnamese to their staff.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerOperationalError

from catalog.tasks import producer_addresses
from shop.mail import localised_email, vietnamese_email
from shop.order.fulfilment import buyer_name
from shop.order.models import FulfilmentChannel, FulfilmentGroup, Line, LineStatus, OrderNotification
from shop.partner.models import Partner
from shop.payments.transfer import bank_name

logger = logging.getLogger(__name__)

Kind = OrderNotification.Kind

#: What ``.delay`` raises when the broker cannot be reached (kombu wraps most of them; a socket error
#: or Redis' own error can come through on a first connection).
BROKER_ERRORS = (BrokerOperationalError, OSError)
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover — redis is installed with Celery's Redis transport
    pass
else:
    BROKER_ERRORS += (RedisConnectionError, RedisTimeoutError)

#: The template (under order/emails/) of each kind of e-mail.
TEMPLATES = {
    Kind.BUYER_CONFIRMATION: "order/emails/order_confirmation",
    Kind.PRODUCER_NEW_ORDER: "order/emails/producer_new_order",
    Kind.SALES_POINT_PICKUP: "order/emails/sales_point_pickup",
    Kind.BUYER_PAYMENT_RECEIVED: "order/emails/payment_received",
    Kind.BUYER_UNPAID_CANCELLED: "order/emails/unpaid_cancelled",
}
TO_BUYER = (Kind.BUYER_CONFIRMATION, Kind.BUYER_PAYMENT_RECEIVED, Kind.BUYER_UNPAID_CANCELLED)


# --- owing --------------------------------------------------------------------


def owe(order, kind, partner=None):
    """Record that ``order`` owes the e-mail ``kind`` (to ``partner``'s staff when given, else to the
    buyer) and send it once the current transaction commits. Idempotent: owing it again returns the
    same row. Returns the OrderNotification."""
    notification, _created = OrderNotification.objects.get_or_create(order=order, kind=kind, partner=partner)
    if notification.sent_at is None:
        # robust: whatever goes wrong in the hand-over, the caller's committed work stands. (A lambda, not a
        # functools.partial: Django names the callback by its __qualname__ when it logs the error.)
        notification_id = notification.pk
        transaction.on_commit(lambda: enqueue(notification_id), robust=True)
    return notification


def enqueue(notification_id):
    """Hand the sending of one owed e-mail to Celery. True when it was handed over; False (and a warning)
    when the broker is unreachable — the row stays unsent for the sweep."""
    from shop.order.tasks import send_order_notification

    try:
        send_order_notification.delay(notification_id)
    except BROKER_ERRORS as error:
        logger.warning(
            "Order e-mail %s not queued, the broker is unreachable (%s: %s); the sweep will send it later",
            notification_id,
            type(error).__name__,
            error,
        )
        return False
    return True


def order_placed(order):
    """Owe the e-mails of a just-placed order: the buyer's confirmation, each producer with lines in it
    its new order, and each sales point where a part of it is picked up the items to prepare. Call it
    inside the order's transaction."""
    owe(order, Kind.BUYER_CONFIRMATION)
    producers = Partner.objects.producers().filter(
        Q(pk__in=order.lines.values("partner_id")) | Q(pk__in=order.fulfilment_groups.values("producer_id"))
    )
    for producer in producers.order_by("pk"):
        owe(order, Kind.PRODUCER_NEW_ORDER, producer)
    sales_points = Partner.objects.filter(
        sales_point__pickup_groups__order=order,
        sales_point__pickup_groups__method=FulfilmentChannel.SALES_POINT_PICKUP,
    ).distinct()
    for partner in sales_points.order_by("pk"):
        owe(order, Kind.SALES_POINT_PICKUP, partner)


# --- writing ------------------------------------------------------------------


def notification_message(notification):
    """The EmailMessage of ``notification``, or None when there is nobody to send it to."""
    order = notification.order
    kind = notification.kind
    if kind in TO_BUYER:
        recipients = [order.email] if order.email else []
    else:
        recipients = producer_addresses(notification.partner)
    if not recipients:
        return None
    if kind == Kind.BUYER_CONFIRMATION:
        context = buyer_confirmation_context(order)
    elif kind == Kind.PRODUCER_NEW_ORDER:
        context = producer_context(order, notification.partner)
    elif kind == Kind.SALES_POINT_PICKUP:
        context = sales_point_context(order, notification.partner)
    else:
        context = buyer_payment_context(order)
    if kind in TO_BUYER:
        return localised_email(TEMPLATES[kind], context, recipients, order.language or "vi")
    return vietnamese_email(TEMPLATES[kind], context, recipients)


def site_url(path):
    return settings.SITE_URL.rstrip("/") + path


def order_url(order):
    from shop.order.tasks import order_status_path

    return site_url(order_status_path(order))


def order_payment(order):
    from shop.payments.models import Payment

    return Payment.objects.filter(order=order).first()


def delivery_address(order):
    """The delivery address on one line: street, ward, province."""
    address = order.shipping_address
    if address is None:
        return ""
    parts = [address.line1, address.line2, address.line3, address.line4, address.state]
    return ", ".join(part.strip() for part in parts if part and part.strip())


def buyer_phone(order):
    address = order.shipping_address
    if address is None or not address.phone_number:
        return ""
    return address.phone_number.as_national if hasattr(address.phone_number, "as_national") else address.phone_number


def _groups(order, lines=None, **filters):
    """The fulfilment groups of ``order`` with their place, each with ``shown_lines`` (``lines``, by
    default all of the group's lines)."""
    lines = Line.objects.all() if lines is None else lines
    return list(
        FulfilmentGroup.objects.filter(order=order, **filters)
        .select_related("producer", "sales_point__partner", "booth__fair")
        .prefetch_related(Prefetch("lines", queryset=lines.order_by("pk"), to_attr="shown_lines"))
        .order_by("pk")
    )


def _common(order):
    return {
        "order": order,
        "buyer_name": buyer_name(order),
        "buyer_phone": buyer_phone(order),
        "delivery_address": delivery_address(order),
        "order_url": order_url(order),
    }


def buyer_confirmation_context(order):
    payment = order_payment(order)
    return {
        **_common(order),
        "groups": _groups(order),
        "ungrouped_lines": list(order.lines.filter(fulfilment_group=None).order_by("pk")),
        "payment": payment,
        "vietqr_bank": bank_name(settings.VIETQR_BANK_BIN) or settings.VIETQR_BANK_BIN,
        "vietqr_account_number": settings.VIETQR_ACCOUNT_NUMBER,
        "vietqr_account_name": settings.VIETQR_ACCOUNT_NAME,
    }


def producer_context(order, producer):
    own_lines = Line.objects.filter(partner=producer)
    return {
        **_common(order),
        "producer": producer,
        "groups": _groups(order, own_lines, producer=producer),
        "ungrouped_lines": list(own_lines.filter(order=order, fulfilment_group=None).order_by("pk")),
        "dashboard_url": site_url(reverse("dashboard:producer-order-detail", kwargs={"number": order.number})),
    }


def sales_point_context(order, partner):
    groups = _groups(order, method=FulfilmentChannel.SALES_POINT_PICKUP, sales_point__partner=partner)
    return {
        **_common(order),
        "sales_point": groups[0].sales_point if groups else None,
        "partner": partner,
        "groups": groups,
        "dashboard_url": site_url(reverse("dashboard:pickup-list")),
    }


def buyer_payment_context(order):
    lines = list(order.lines.order_by("pk"))
    return {
        **_common(order),
        "payment": order_payment(order),
        "lines": lines,
        "order_cancelled": bool(lines) and all(line.status == LineStatus.CANCELLED for line in lines),
    }
