import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from catalog.tasks import RETRY
from shop.order.fulfilment import buyer_name
from shop.order.models import LineStatusEvent

logger = logging.getLogger(__name__)


@shared_task(**RETRY)
def notify_buyer_of_line_step(event_id):
    """E-mail the buyer, in Vietnamese, what happened to one item of their order. Each step is told once."""
    with transaction.atomic():
        event = (
            LineStatusEvent.objects.select_for_update(of=("self",))
            .filter(pk=event_id, buyer_notified_at__isnull=True)
            .select_related("line__order__user", "line__order__shipping_address")
            .first()
        )
        if event is None:
            return False  # already told, or the step is gone
        order = event.line.order
        recipient = order.email
        if not recipient:
            logger.warning("Order %s has no e-mail address for the notice of step %s", order.number, event.pk)
            return False
        with translation.override("vi"):
            context = {
                "event": event,
                "line": event.line,
                "order": order,
                "buyer_name": buyer_name(order),
                "order_url": settings.SITE_URL.rstrip("/") + order_status_path(order),
            }
            subject = " ".join(render_to_string("order/emails/line_status_subject.txt", context).split())
            body = render_to_string("order/emails/line_status_body.txt", context)
        EmailMessage(subject, body, to=[recipient], headers={"Content-Language": "vi"}).send()
        event.buyer_notified_at = timezone.now()
        event.save(update_fields=["buyer_notified_at"])
    return True


def order_status_path(order):
    """The buyer's order page: their account's for a registered buyer, the signed status page for a guest."""
    if order.user_id:
        return reverse("customer:order", kwargs={"order_number": order.number})
    return reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
