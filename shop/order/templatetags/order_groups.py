from django import template
from django.db.models import Prefetch

from shop.order.models import Line, LineStatusEvent
from shop.order.pickups import group_status

register = template.Library()


@register.simple_tag
def order_groups(order):
    """``{% order_groups order as groups %}``: each producer's part of ``order`` with how it is received,
    its lines (and their steps) and ``status_code``/``status_label`` read from them; an empty list for
    an order placed without groups."""
    lines = Line.objects.order_by("pk").prefetch_related(
        Prefetch("status_events", queryset=LineStatusEvent.objects.order_by("changed_at", "pk"))
    )
    groups = list(
        order.fulfilment_groups.select_related("producer", "sales_point__partner", "booth__fair")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("pk")
    )
    for group in groups:
        group.status_code, group.status_label = group_status(group)
        group.goods_total = sum(line.line_price_incl_tax for line in group.lines.all())
    return groups


@register.simple_tag
def order_payment(order):
    """``{% order_payment order as payment %}``: the order's Payment, or None (an order from before payments)."""
    from shop.payments.models import Payment

    try:
        return order.payment
    except Payment.DoesNotExist:
        return None
