import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from shop.stamps import scans
from shop.stamps.issuing import generate_stamps
from shop.stamps.models import StampBatch

logger = logging.getLogger(__name__)

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "retry_backoff_max": 600, "max_retries": 5}
# The flagging task runs hourly; it looks a little further back so that no scan falls between runs.
FLAGGING_LOOKBACK = timedelta(minutes=65)


@shared_task(**RETRY)
def generate_batch(batch_id):
    """Generate the batch's stamps, then its print files. Picks up where a failed run stopped."""
    batch = StampBatch.objects.get(pk=batch_id)
    if batch.status == StampBatch.Status.GENERATING:
        created = generate_stamps(batch)
        logger.info("Generated %s stamps of batch %s", created, batch.pk)
        StampBatch.objects.filter(pk=batch.pk).update(status=StampBatch.Status.PRINTING)
        batch.status = StampBatch.Status.PRINTING
    if batch.status == StampBatch.Status.PRINTING:
        render_print_files.delay(batch.pk)


@shared_task(**RETRY)
def render_print_files(batch_id):
    """Render the batch's printable PDF and ZIP of QR images, then mark it ready."""
    from shop.stamps.printing import store_print_files

    batch = StampBatch.objects.get(pk=batch_id)
    if batch.status != StampBatch.Status.PRINTING:
        return
    store_print_files(batch)
    StampBatch.objects.filter(pk=batch.pk).update(status=StampBatch.Status.READY)


@shared_task(**RETRY)
def flag_suspicious_batches():
    now = timezone.now()
    with transaction.atomic():
        flagged = scans.flag_suspicious_batches(since=now - FLAGGING_LOOKBACK, now=now)
    logger.info("Flagged %s stamp batches with suspicious scans", flagged)
    return flagged


@shared_task(**RETRY)
def purge_old_scans():
    return scans.purge_old_scans()
