"""What every stamp of a batch shows alike, read once and kept in the cache.

The stamps of a batch all show the same product, photo, producer, certificate, lot and dates.
Reading them takes a join of six tables whose planning and compiling alone cost the stamp page
more than everything else it does, so they are read once per batch and kept in the cache, and
each scan reads from the database only what is the stamp's own: its row, its revocation, its
scans.

A kept batch is forgotten when the batch, its product, the product's photos, its producer or
either certificate is saved or deleted: at once, and again after the commit, so that a page that
read the old rows before the commit does not keep them. A change that bypasses save() (a queryset
update, a shell), or a page that read the old rows just before the commit and stores them just
after it, shows the old facts for FACTS_TIMEOUT at most. What depends on the day (whether the
certificate has expired, whether the lot is past its expiry date) is worked out on each scan.
"""

import logging
import secrets
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from oscar.core.loading import get_model

from catalog.photos import GALLERY_THUMBNAIL
from shop.stamps.models import StampBatch

logger = logging.getLogger(__name__)

FACTS_TIMEOUT = 600
KEY_PREFIX = "stamps:batch-facts"
# Part of each key: a release that changes BatchFacts raises it, and never reads what an older one kept.
FACTS_VERSION = 1

ProductImage = get_model("catalogue", "ProductImage")


@dataclass(frozen=True)
class BatchFacts:
    """A batch with its producer, product (and its current certificate) and the batch's certificate
    loaded, and the URLs of the product's primary photo ("" when it has none)."""

    batch: StampBatch
    image_url: str = ""
    thumbnail_url: str = ""
    # New each time the facts are read from the database: what is rendered from them is kept under it.
    token: str = field(default_factory=lambda: secrets.token_hex(8))


def facts_key(batch_id):
    return f"{KEY_PREFIX}:v{FACTS_VERSION}:{batch_id}"


def batch_facts(batch_id):
    """The BatchFacts of a batch, from the cache when they are kept there; None for no such batch."""
    key = facts_key(batch_id)
    facts = cache.get(key)
    if facts is None:
        facts = read_batch_facts(batch_id)
        if facts is not None:
            cache.set(key, facts, FACTS_TIMEOUT)
    return facts


def read_batch_facts(batch_id):
    """The BatchFacts of a batch, read from the database."""
    batch = (
        StampBatch.objects.select_related("producer", "product", "product__certificate", "certificate")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        return None
    image = ProductImage.objects.filter(product_id=batch.product_id).order_by("display_order", "pk").first()
    if image is None:
        return BatchFacts(batch=batch)
    return BatchFacts(batch=batch, image_url=_file_url(image.original), thumbnail_url=_thumbnail_url(image.original))


def forget_batches(batch_ids):
    """Forget the kept facts of these batches, now and once the current transaction commits."""
    keys = [facts_key(batch_id) for batch_id in batch_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _batches_where(condition):
    return list(StampBatch.objects.filter(condition).values_list("pk", flat=True))


def _batch_changed(sender, instance, created=False, **kwargs):
    if not created:  # a new batch has nothing kept yet
        forget_batches([instance.pk])


def _product_changed(sender, instance, **kwargs):
    forget_batches(_batches_where(Q(product_id=instance.pk)))


def _photo_changed(sender, instance, **kwargs):
    forget_batches(_batches_where(Q(product_id=instance.product_id)))


def _producer_changed(sender, instance, **kwargs):
    forget_batches(_batches_where(Q(producer_id=instance.pk)))


def _certificate_changed(sender, instance, **kwargs):
    forget_batches(_batches_where(Q(certificate_id=instance.pk) | Q(product__certificate_id=instance.pk)))


RECEIVERS = {
    "stamps.StampBatch": _batch_changed,
    "catalogue.Product": _product_changed,
    "catalogue.ProductImage": _photo_changed,
    "partner.Partner": _producer_changed,
    "catalogue.OcopCertificate": _certificate_changed,
}


def connect_receivers():
    for sender, receiver in RECEIVERS.items():
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=sender, dispatch_uid=f"{KEY_PREFIX}:{sender}:{signal is post_save}")


def _file_url(file):
    try:
        return file.url
    except ValueError:
        return ""


def _thumbnail_url(original):
    from sorl.thumbnail import get_thumbnail

    try:
        # The product gallery's size, which catalog.photos renders ahead of the first visitor.
        geometry, options = GALLERY_THUMBNAIL
        return get_thumbnail(original, geometry, **options).url
    except Exception:  # noqa: BLE001 - a missing or unreadable photo must not break the verdict
        logger.warning("No thumbnail for %s; the original photo is shown", original, exc_info=True)
        return _file_url(original)
