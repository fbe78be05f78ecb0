import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from catalog.tasks import RETRY, producer_addresses
from shop.imports.spreadsheets import XLSX_CONTENT_TYPE
from shop.mail import localised_email, vietnamese_email
from shop.order.fulfilment import buyer_name
from shop.order.models import LineStatusEvent, MonthlyReportDispatch, OrderNotification
from shop.order.notifications import notification_message
from shop.order.reports import ReportMonth, download_filename, monthly_report, report_deadline, report_xlsx
from shop.partner.models import Partner

logger = logging.getLogger(__name__)


@shared_task(**RETRY)
def notify_buyer_of_line_step(event_id):
    """E-mail the buyer, in the language they shopped in, what happened to one item of their order. Each step
    is told once."""
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
        context = {
            "event": event,
            "line": event.line,
            "order": order,
            "buyer_name": buyer_name(order),
            "order_url": settings.SITE_URL.rstrip("/") + order_status_path(order),
        }
        localised_email("order/emails/line_status", context, [recipient], order.language).send()
        event.buyer_notified_at = timezone.now()
        event.save(update_fields=["buyer_notified_at"])
    return True


def order_status_path(order):
    """The buyer's order page: their account's for a registered buyer, the signed status page for a guest."""
    if order.user_id:
        return reverse("customer:order", kwargs={"order_number": order.number})
    return reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})


@shared_task(**RETRY)
def send_monthly_reports(year=None, month=None):
    """On the 1st: send every producer the report of the month just ended (or of ``year``/``month``)."""
    report_month = ReportMonth(year, month) if year and month else ReportMonth.current().previous()
    producer_ids = list(Partner.objects.producers().order_by("pk").values_list("pk", flat=True))
    for producer_id in producer_ids:
        send_monthly_report.delay(producer_id, report_month.year, report_month.month)
    return len(producer_ids)


@shared_task(**RETRY)
def send_monthly_report(producer_id, year, month):
    """E-mail one producer's staff, in Vietnamese, their report of one month with the XLSX attached. Once only."""
    producer = Partner.objects.producers().filter(pk=producer_id).prefetch_related("users").first()
    if producer is None:
        return False
    recipients = producer_addresses(producer)
    if not recipients:
        logger.warning("Producer %s has no e-mail address for the monthly report", producer)
        return False
    try:
        with transaction.atomic():
            MonthlyReportDispatch.objects.create(producer=producer, year=year, month=month)
            monthly_report_message(producer, year, month, recipients).send()
    except IntegrityError:
        return False  # another run sent it
    return True


def monthly_report_message(producer, year, month, recipients):
    report = monthly_report(producer, year, month)
    report_url = "{}{}?month={}".format(
        settings.SITE_URL.rstrip("/"), reverse("dashboard:producer-report"), report.month
    )
    context = {
        "producer": producer,
        "report": report,
        "channels": list(zip(report.channels, report.channel_figures, strict=True)),
        "deadline": report_deadline(report.month),
        "report_url": report_url,
    }
    message = vietnamese_email("oscar/dashboard/producer_reports/emails/monthly_report", context, recipients)
    message.attach(
        download_filename(report, "xlsx"),
        report_xlsx(report),
        XLSX_CONTENT_TYPE,
    )
    return message


# --- the e-mails an order owes (shop.order.notifications) ---------------------

#: An unsent row younger than this is left to the enqueue of its own commit; older ones the sweep sends.
PENDING_GRACE = timedelta(minutes=1)
#: Rows unsent for longer than this are left alone (and logged): the e-mail would come too late to help.
PENDING_GIVE_UP = timedelta(days=3)


@shared_task(**RETRY)
def send_order_notification(notification_id):
    """Send one e-mail an order owes, once: the row is locked, sent, and marked ``sent_at``."""
    with transaction.atomic():
        notification = (
            OrderNotification.objects.select_for_update(of=("self",))
            .filter(pk=notification_id, sent_at__isnull=True)
            .select_related("order__user", "order__shipping_address", "partner")
            .first()
        )
        if notification is None:
            return False  # sent already, or the order is gone
        message = notification_message(notification)
        if message is None:
            logger.warning(
                "Order %s: nobody to send the e-mail %r to (no address); marked done",
                notification.order.number,
                notification.kind,
            )
        else:
            message.send()
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return message is not None


@shared_task(**RETRY)
def send_pending_order_notifications():
    """Every minute: enqueue the owed e-mails still unsent a minute after they were written — those whose
    enqueue failed while the broker was down, or whose task was lost. Sending stays once per row."""
    now = timezone.now()
    pending = OrderNotification.objects.filter(sent_at__isnull=True, created_at__lte=now - PENDING_GRACE)
    stale = pending.filter(created_at__lt=now - PENDING_GIVE_UP).count()
    if stale:
        logger.warning("%s order e-mail(s) unsent for more than %s; the sweep leaves them", stale, PENDING_GIVE_UP)
    ids = list(pending.filter(created_at__gte=now - PENDING_GIVE_UP).order_by("pk").values_list("pk", flat=True))
    for notification_id in ids:
        send_order_notification.delay(notification_id)
    return len(ids)


@shared_task(**RETRY)
def cancel_overdue_payments():
    """Every 15 minutes: cancel the orders whose VietQR transfer or card payment is still awaited after its
    deadline (shop.payments.deadlines). Returns how many were cancelled; one failing payment does not
    stop the others, and is tried again on the next run."""
    from shop.payments.deadlines import cancel_overdue_payment, overdue_payments

    now = timezone.now()
    cancelled = 0
    for payment in overdue_payments(now).select_related("order"):
        try:
            if cancel_overdue_payment(payment, now):
                cancelled += 1
        except Exception:
            logger.exception("Overdue payment %s of order %s could not be settled", payment.pk, payment.order_id)
    return cancelled
