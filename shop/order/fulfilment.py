"""A producer's part of an order: their own lines, moved on towards the buyer or cancelled.

An order may hold the lines of several producers (``Line.partner``); each producer sees and moves
only their own. A line follows OSCAR_LINE_STATUS_PIPELINE: new → confirmed → packed → shipped →
delivered, or cancelled before it ships. Every step is written to the line's history
(LineStatusEvent) in the same transaction, and the buyer is e-mailed once the step is committed.
Shipping consumes the stock allocated at checkout (a StockRecordChange in the stock's history);
cancelling returns it.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.order.models import Line, LineStatus, LineStatusEvent, Order
from shop.partner.stock import record_stock_change
from shop.payments.services import record_cash_collected

StockRecord = get_model("partner", "StockRecord")
StockRecordChange = get_model("partner", "StockRecordChange")

#: The steps a producer moves a line forward to, and the dashboard action that does it.
FORWARD_ACTIONS = {
    "confirm": LineStatus.CONFIRMED,
    "pack": LineStatus.PACKED,
    "ship": LineStatus.SHIPPED,
    "deliver": LineStatus.DELIVERED,
}
CANCEL_ACTION = "cancel"


def orders_for_producer(producer):
    """The orders holding at least one line of ``producer``."""
    return Order.objects.filter(Exists(Line.objects.filter(order=OuterRef("pk"), partner=producer)))


def producer_lines(order, producer):
    """The lines of ``order`` that ``producer`` supplies, and no other producer's."""
    return order.lines.filter(partner=producer).order_by("pk")


def producer_order_summaries(producer, status=""):
    """The producer's orders, newest first, each with ``producer_line_count``, ``producer_total``
    (what the producer's lines come to) and ``producer_lines``; only orders where one of the
    producer's lines has ``status`` when it is given. The query count does not grow with the orders."""
    own_lines = Line.objects.filter(partner=producer)
    matching = own_lines.filter(status=status) if status else own_lines
    own = Q(lines__partner=producer)
    return (
        Order.objects.filter(Exists(matching.filter(order=OuterRef("pk"))))
        .annotate(
            producer_line_count=Count("lines", filter=own),
            producer_total=Sum("lines__line_price_incl_tax", filter=own),
        )
        .select_related("user", "shipping_address")
        .prefetch_related(Prefetch("lines", queryset=own_lines.order_by("pk"), to_attr="producer_lines"))
        .order_by("-date_placed", "-pk")
    )


def buyer_name(order):
    """Who the order goes to: the name on the delivery address, else the buyer's account name or e-mail."""
    address = order.shipping_address
    if address is not None and address.name.strip():
        return address.name.strip()
    if order.user is not None and order.user.get_full_name().strip():
        return order.user.get_full_name().strip()
    return order.email or ""


def available_actions(line):
    """The dashboard actions that can move ``line`` on from where it is now."""
    next_statuses = set(line.available_statuses())
    actions = [action for action, status in FORWARD_ACTIONS.items() if status in next_statuses]
    if LineStatus.CANCELLED in next_statuses:
        actions.append(CANCEL_ACTION)
    return actions


def advance_line(line, status, *, user, carrier="", tracking_number=""):
    """Move ``line`` forward to ``status`` (confirmed, packed, shipped or delivered).

    Shipping needs the carrier and the tracking number, and consumes the stock allocated at checkout.
    Returns True when the line moved, False when it was already at ``status`` (a repeated request
    changes nothing). Raises ValidationError for a step the line cannot take from where it is.
    """
    if status not in FORWARD_ACTIONS.values():
        raise ValidationError(_("An item cannot be moved to this step."))
    fields = {}
    note = ""
    if status == LineStatus.SHIPPED:
        carrier, tracking_number = carrier.strip(), tracking_number.strip()
        errors = {}
        if not carrier:
            errors["carrier"] = _("Say which carrier takes the parcel.")
        if not tracking_number:
            errors["tracking_number"] = _("Give the parcel's tracking number.")
        if errors:
            raise ValidationError(errors)
        fields = {"carrier": carrier, "tracking_number": tracking_number}
        note = f"{carrier} · {tracking_number}"
    return _move(line, status, user=user, note=note, fields=fields)


def cancel_line(line, *, user, reason, notify_buyer=True):
    """Cancel ``line`` before it ships, for ``reason`` (shown to the buyer); its allocated stock returns.

    Returns True when the line was cancelled now, False when it already was. Raises ValidationError
    without a reason or once the line has shipped. ``notify_buyer=False`` is for a caller that tells
    the buyer itself, in one e-mail about the whole order (an unpaid order cancelled): the step is
    recorded as told and no e-mail of its own goes.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the item is cancelled; the buyer will read it.")})
    return _move(
        line,
        LineStatus.CANCELLED,
        user=user,
        note=reason,
        fields={"cancellation_reason": reason},
        notify_buyer=notify_buyer,
    )


def _move(line, status, *, user, note, fields, notify_buyer=True):
    with transaction.atomic():
        # The lock makes a second, simultaneous request wait and then find the step already taken.
        locked = Line.objects.select_for_update().get(pk=line.pk)
        if locked.status == status:
            moved = False
        else:
            if status not in locked.available_statuses():
                raise ValidationError(
                    _("An item that is “%(current)s” cannot be marked “%(new)s”.")
                    % {"current": locked.status_label, "new": LineStatus(status).label}
                )
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.set_status(status)
            if status == LineStatus.SHIPPED:
                _consume_stock(locked, user)
            elif status == LineStatus.CANCELLED:
                _return_stock(locked)
            event = LineStatusEvent.objects.create(
                line=locked,
                status=status,
                note=note,
                changed_by=user,
                buyer_notified_at=None if notify_buyer else timezone.now(),
            )
            if notify_buyer:
                transaction.on_commit(partial(_notify_buyer, event.pk))
            if status == LineStatus.DELIVERED:
                record_cash_collected(locked.order, by=user)
            moved = True
    line.refresh_from_db()
    return moved


def _notify_buyer(event_id):
    from shop.order.tasks import notify_buyer_of_line_step

    notify_buyer_of_line_step.delay(event_id)


def _consume_stock(line, user):
    """The parcel has left: the units allocated at checkout leave the stock, and the stock's history says so."""
    if line.stockrecord_id is None or not line.is_allocation_consumption_possible(line.quantity):
        return
    stockrecord = StockRecord.objects.select_for_update().get(pk=line.stockrecord_id)
    in_stock_before = stockrecord.num_in_stock
    line.consume_allocation(line.quantity)
    stockrecord.refresh_from_db(fields=["num_in_stock"])
    if stockrecord.num_in_stock != in_stock_before:
        record_stock_change(
            stockrecord,
            price_before=stockrecord.price,
            num_in_stock_before=in_stock_before,
            source=StockRecordChange.Source.ORDER_SHIPPED,
            note=f"{line.order.number} · {line.title} × {line.quantity}",
            user=user,
        )


def _return_stock(line):
    """The units allocated at checkout are free to sell again."""
    if line.stockrecord_id is not None:
        line.cancel_allocation(line.quantity)
    if not line.allocation_cancelled:
        line.allocation_cancelled = True
        line.save(update_fields=["allocation_cancelled"])
