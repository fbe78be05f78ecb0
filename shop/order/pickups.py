"""Orders collected in person: a sales point's pickups, and a producer's at their fair booth.

A pickup group (FulfilmentGroup with method sales_point_pickup or fair_pickup) moves as one: the
place gets it ready (each line confirmed, then packed) and hands it over (each line shipped, with
"collected at the sales point / fair booth" as the carrier and the order number as the reference,
then delivered). Every step goes through shop.order.fulfilment.advance_line, so each is written to
the line's history, the buyer is told, and the stock allocated at checkout is consumed at collection
from the line's own stock record: the sales point's for a sales-point pickup. Cancelling returns it.

``group_status`` gives a group's state for the buyer's and the staff's pages, read from its lines.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.order.fulfilment import advance_line, cancel_line
from shop.order.models import FulfilmentChannel, FulfilmentGroup, Line, LineStatus

#: The steps a line takes, in order; a cancelled line is out of the way.
PROGRESS = [LineStatus.NEW, LineStatus.CONFIRMED, LineStatus.PACKED, LineStatus.SHIPPED, LineStatus.DELIVERED]
OPEN_STATUSES = [LineStatus.NEW, LineStatus.CONFIRMED, LineStatus.PACKED, LineStatus.SHIPPED]

#: What a group's least advanced line says about the whole group, for a delivery and for a pickup.
DELIVERY_LABELS = {
    LineStatus.NEW: gettext_lazy("Order received"),
    LineStatus.CONFIRMED: gettext_lazy("Confirmed, being prepared"),
    LineStatus.PACKED: gettext_lazy("Packed, ready to ship"),
    LineStatus.SHIPPED: gettext_lazy("On its way"),
    LineStatus.DELIVERED: gettext_lazy("Delivered"),
}
PICKUP_LABELS = {
    LineStatus.NEW: gettext_lazy("Order received"),
    LineStatus.CONFIRMED: gettext_lazy("Being prepared"),
    LineStatus.PACKED: gettext_lazy("Ready for pickup"),
    LineStatus.SHIPPED: gettext_lazy("Being handed over"),
    LineStatus.DELIVERED: gettext_lazy("Collected"),
}
CANCELLED_LABEL = gettext_lazy("Cancelled")

READY = "ready"
COLLECTED = "collected"
CANCEL = "cancel"


def carrier_text(group):
    """What the lines' carrier field says of a pickup, in the buyer's language (it is shown to them)."""
    with translation.override(group.order.language or "vi"):
        if group.method == FulfilmentChannel.FAIR_PICKUP:
            return _("Collected at the fair booth")
        return _("Collected at the sales point")


def group_lines(group):
    """The group's lines, in order (the prefetched ones when the caller prefetched them)."""
    return sorted(group.lines.all(), key=lambda line: line.pk)


def group_status(group):
    """(code, label) of ``group``: its least advanced line that is not cancelled, read as a delivery's or a
    pickup's step; ("cancelled", …) when every line was cancelled. Uses prefetched lines when there are."""
    live = [line.status for line in group_lines(group) if line.status != LineStatus.CANCELLED]
    if not live:
        return LineStatus.CANCELLED.value, CANCELLED_LABEL
    known = [status for status in live if status in PROGRESS]
    least = min(known, key=PROGRESS.index) if known else LineStatus.NEW
    labels = PICKUP_LABELS if group.is_pickup else DELIVERY_LABELS
    return str(least), labels[LineStatus(least)]


def available_group_actions(group):
    """The pickup actions that make sense for ``group`` now: ready, collected, cancel."""
    live = [line for line in group_lines(group) if line.status != LineStatus.CANCELLED]
    if not live:
        return []
    actions = []
    if any(line.status in (LineStatus.NEW, LineStatus.CONFIRMED) for line in live):
        actions.append(READY)
    if any(line.status != LineStatus.DELIVERED for line in live):
        actions.append(COLLECTED)
    if any(line.status in (LineStatus.NEW, LineStatus.CONFIRMED, LineStatus.PACKED) for line in live):
        actions.append(CANCEL)
    return actions


def _check_pickup(group):
    if not group.is_pickup:
        raise ValidationError(_("This part of the order is delivered, not picked up."))


def _payment_blocks_handover(order):
    """A reason not to hand the goods over yet (paid in advance and not paid), or None."""
    from shop.payments.models import PaymentState

    payment = getattr(order, "payment", None)
    if payment is None:
        return None
    if payment.state == PaymentState.AWAITING:
        return _("The buyer has not paid yet: hand the goods over once the payment has arrived.")
    if payment.state == PaymentState.CANCELLED:
        return _("This order was cancelled for want of payment: do not hand the goods over.")
    return None


def _get_ready(line, user):
    moved = False
    if line.status == LineStatus.NEW:
        moved |= advance_line(line, LineStatus.CONFIRMED, user=user)
    if line.status == LineStatus.CONFIRMED:
        moved |= advance_line(line, LineStatus.PACKED, user=user)
    return moved


def mark_ready(group, *, user):
    """Every line of the pickup ``group`` that is not yet ready becomes confirmed and packed.
    Returns the number of lines that moved (0: it was ready already)."""
    _check_pickup(group)
    moved = 0
    with transaction.atomic():
        for line in Line.objects.filter(fulfilment_group=group).order_by("pk"):
            if line.status in (LineStatus.NEW, LineStatus.CONFIRMED):
                moved += _get_ready(line, user)
    return moved


def mark_collected(group, *, user):
    """The buyer collected the pickup ``group``: each live line is made ready if it was not, then shipped
    ("collected at …", the order number as reference; the stock allocated at checkout is consumed) and
    delivered. Returns the number of lines collected now. Refused while a payment due in advance has
    not arrived."""
    _check_pickup(group)
    if reason := _payment_blocks_handover(group.order):
        raise ValidationError(reason)
    carrier = carrier_text(group)
    collected = 0
    with transaction.atomic():
        for line in Line.objects.filter(fulfilment_group=group).order_by("pk"):
            if line.status in (LineStatus.CANCELLED, LineStatus.DELIVERED):
                continue
            _get_ready(line, user)
            if line.status == LineStatus.PACKED:
                advance_line(line, LineStatus.SHIPPED, user=user, carrier=carrier, tracking_number=group.order.number)
            advance_line(line, LineStatus.DELIVERED, user=user)
            collected += 1
    return collected


def cancel_group(group, *, user, reason):
    """Cancel every line of the pickup ``group`` not yet handed over, for ``reason`` (the buyer reads it);
    the allocated stock returns. Returns the number of lines cancelled now."""
    _check_pickup(group)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the pickup is cancelled; the buyer will read it.")})
    cancelled = 0
    with transaction.atomic():
        for line in Line.objects.filter(fulfilment_group=group).order_by("pk"):
            if line.status in (LineStatus.NEW, LineStatus.CONFIRMED, LineStatus.PACKED):
                cancelled += cancel_line(line, user=user, reason=reason)
    return cancelled


def pickup_groups():
    """Pickup groups with what the staff's pages show, their lines prefetched in order."""
    return FulfilmentGroup.objects.select_related(
        "order__user",
        "order__shipping_address",
        "order__payment",
        "producer",
        "sales_point__partner",
        "booth__fair",
    ).prefetch_related(Prefetch("lines", queryset=Line.objects.order_by("pk")))


def open_groups(groups):
    """Those of ``groups`` with a line still to prepare or hand over."""
    return groups.filter(Exists(Line.objects.filter(fulfilment_group=OuterRef("pk"), status__in=OPEN_STATUSES)))


def sales_point_pickups(sales_point_partner, *, include_closed=False):
    """The pickups at the sales point of ``sales_point_partner``, oldest order first."""
    groups = pickup_groups().filter(
        method=FulfilmentChannel.SALES_POINT_PICKUP, sales_point__partner=sales_point_partner
    )
    if not include_closed:
        groups = open_groups(groups)
    return groups.order_by("order__date_placed", "pk")
