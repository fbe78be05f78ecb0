import logging

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from catalog.tasks import RETRY, producer_addresses
from shop.imports.spreadsheets import XLSX_CONTENT_TYPE
from shop.mail import vietnamese_email
from shop.order.fulfilment import buyer_name
from shop.order.models import LineStatusEvent, MonthlyReportDispatch
from shop.order.reports import ReportMonth, download_filename, monthly_report, report_deadline, report_xlsx
from shop.partner.models import Partner

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
        context = {
            "event": event,
            "line": event.line,
            "order": order,
            "buyer_name": buyer_name(order),
            "order_url": settings.SITE_URL.rstrip("/") + order_status_path(order),
        }
        vietnamese_email("order/emails/line_status", context, [recipient]).send()
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
