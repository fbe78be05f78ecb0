import logging

from celery import shared_task
from django.db import IntegrityError, transaction

from catalog.certificates import certificates_due_reminder, record_expiries
from catalog.models import ExpiryReminder
from shop.mail import vietnamese_email

logger = logging.getLogger(__name__)

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "retry_backoff_max": 600, "max_retries": 5}


@shared_task(**RETRY)
def record_certificate_expiries():
    recorded = record_expiries()
    logger.info("Recorded %s certificate expiries", recorded)
    return recorded


@shared_task(**RETRY)
def remind_expiring_certificates():
    """Tell producers 60 and 14 days ahead that a certificate will expire. Each reminder goes once."""
    from django.conf import settings

    sent = 0
    for days_before in sorted(settings.OCOP_EXPIRY_REMINDER_DAYS):
        for certificate in certificates_due_reminder(days_before):
            try:
                with transaction.atomic():
                    ExpiryReminder.objects.create(
                        certificate=certificate, days_before=days_before, valid_until=certificate.valid_until
                    )
                    send_expiry_reminder(certificate)
            except IntegrityError:
                continue  # another run sent it
            sent += 1
    return sent


def send_expiry_reminder(certificate):
    producer = certificate.product.producer
    recipients = producer_addresses(producer)
    if not recipients:
        logger.warning("Producer %s has no e-mail address for the expiry reminder", producer)
        return
    context = {"certificate": certificate, "product": certificate.product, "producer": producer}
    vietnamese_email("catalogue/emails/expiry_reminder", context, recipients).send()


def producer_addresses(producer):
    if producer is None:
        return []
    addresses = [producer.email] if producer.email else []
    addresses += [user.email for user in producer.users.all() if user.email and user.email not in addresses]
    return addresses


@shared_task(**RETRY)
def make_product_image_thumbnails(image_id):
    """Render the thumbnails of a product photo ahead of its first visitor. Safe to run again."""
    from oscar.core.loading import get_model

    from catalog.photos import render_thumbnails

    image = get_model("catalogue", "ProductImage").objects.filter(pk=image_id).first()
    if image is None or not image.original or not image.original.storage.exists(image.original.name):
        logger.info("Product image %s is gone; no thumbnails to make", image_id)
        return 0
    thumbnails = render_thumbnails(image.original)
    missing = [thumbnail.name for thumbnail in thumbnails if not thumbnail.exists()]
    if missing:
        # sorl logs and swallows storage errors; raising lets Celery try again later.
        raise RuntimeError(f"Thumbnails of product image {image_id} were not written: {', '.join(missing)}")
    return len(thumbnails)


@shared_task(**RETRY)
def send_listing_decision(revision_id):
    """Tell the producer's staff, in Vietnamese, that a listing revision was approved or sent back. Sent once."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from catalog.models import ListingRevision

    with transaction.atomic():
        revision = (
            ListingRevision.objects.select_for_update(of=("self",))
            .select_related("product", "product__producer")
            .filter(pk=revision_id)
            .first()
        )
        if revision is None or revision.is_pending or revision.producer_notified_at is not None:
            return False
        producer = revision.product.producer
        recipients = producer_addresses(producer)
        if not recipients:
            logger.warning("Producer %s has no e-mail address for the listing decision", producer)
            return False
        context = {
            "revision": revision,
            "product": revision.product,
            "producer": producer,
            "listing_url": settings.SITE_URL.rstrip("/")
            + reverse("dashboard:producer-product-update", kwargs={"pk": revision.product_id}),
        }
        kind = "approved" if revision.status == ListingRevision.Status.APPROVED else "sent_back"
        vietnamese_email(f"catalogue/emails/listing_{kind}", context, recipients).send()
        revision.producer_notified_at = timezone.now()
        revision.save(update_fields=["producer_notified_at"])
    return True
