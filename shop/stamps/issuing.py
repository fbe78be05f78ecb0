"""Issuing stamp batches and generating their stamps."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalog.models import today
from shop.stamps.codes import new_code
from shop.stamps.models import SerialCounter, Stamp, StampBatch

Product = get_model("catalogue", "Product")

GENERATION_CHUNK = 5_000
MAX_CODE_DRAWS = 5


def issuable_products(province_code=None):
    """Products that may receive stamps: a producer's product whose certificate allows its sale
    today (a valid certificate of 3 stars or more), in ``province_code`` (None: every province).

    Stamps go on goods before they are listed, so a product not yet public qualifies too.
    """
    products = Product.objects.certified_for_sale().filter(producer__isnull=False)
    if province_code is not None:
        products = products.filter(producer__province_code=province_code)
    return products.select_related("producer", "certificate").order_by("producer__name", "title")


@transaction.atomic
def issue_batch(*, product, quantity, lot, produced_on, expires_on=None, notes="", issued_by=None):
    """Issue a batch of ``quantity`` stamps for ``product`` to its producer.

    The serial numbers are taken from the province's counter for the year at once, so two
    officers issuing together never share a serial; the stamps themselves are generated in the
    background (shop.stamps.tasks.generate_batch), after this transaction commits.
    """
    producer = product.producer
    if producer is None:
        raise ValidationError(_("This product has no producer to issue stamps to."))
    certificate = product.certificate
    if certificate is None or not certificate.is_for_sale_on(today()):
        raise ValidationError(
            _("Stamps are issued only for products with a valid OCOP certificate of %(stars)s stars or more.")
            % {"stars": settings.OCOP_MIN_STARS_FOR_SALE}
        )
    if not 1 <= quantity <= settings.OCOP_STAMP_MAX_BATCH:
        raise ValidationError(
            _("A batch holds 1 to %(maximum)s stamps.")
            % {"maximum": number_format(settings.OCOP_STAMP_MAX_BATCH, force_grouping=True)}
        )
    if expires_on is not None and expires_on < produced_on:
        raise ValidationError({"expires_on": _("The expiry date cannot come before the production date.")})

    year = timezone.localdate().year
    first_number = _take_serial_numbers(producer.province_code, year, quantity)
    batch = StampBatch.objects.create(
        province_code=producer.province_code,
        year=year,
        first_number=first_number,
        quantity=quantity,
        producer=producer,
        product=product,
        certificate=certificate,
        lot=lot,
        produced_on=produced_on,
        expires_on=expires_on,
        notes=notes,
        issued_by=issued_by,
    )
    from shop.stamps.tasks import generate_batch

    transaction.on_commit(lambda: generate_batch.delay(batch.pk))
    return batch


def _take_serial_numbers(province_code, year, quantity):
    """Reserve ``quantity`` consecutive serial numbers; returns the first."""
    SerialCounter.objects.get_or_create(province_code=province_code, year=year)
    counter = SerialCounter.objects.select_for_update().get(province_code=province_code, year=year)
    first_number = counter.last_number + 1
    counter.last_number += quantity
    counter.save(update_fields=["last_number"])
    return first_number


def generate_stamps(batch, chunk=GENERATION_CHUNK):
    """Create the batch's stamps that do not exist yet, a chunk per transaction, counting progress
    on the batch. Safe to run again: it carries on from the stamps already made.

    Returns the number of stamps created.
    """
    created = 0
    start = batch.first_number + Stamp.objects.filter(batch=batch).count()
    while start <= batch.last_number:
        end = min(start + chunk - 1, batch.last_number)
        created += _generate_chunk(batch, start, end)
        batch.generated_count = end - batch.first_number + 1
        StampBatch.objects.filter(pk=batch.pk).update(generated_count=batch.generated_count)
        start = end + 1
    return created


@transaction.atomic
def _generate_chunk(batch, start, end):
    numbers = set(range(start, end + 1))
    made_before = _numbers_made(batch, start, end)
    missing = numbers - made_before
    for _attempt in range(MAX_CODE_DRAWS):
        if not missing:
            return len(numbers) - len(made_before)
        # The database skips a code drawn twice (one chance in 2^80 a pair) or a number that a
        # parallel run made; those numbers are drawn again on the next pass.
        Stamp.objects.bulk_create(
            [Stamp(batch=batch, number=number, code=new_code()) for number in sorted(missing)],
            ignore_conflicts=True,
        )
        missing = numbers - _numbers_made(batch, start, end)
    raise RuntimeError(f"Could not draw unique codes for stamps {start}-{end} of batch {batch.pk}")


def _numbers_made(batch, start, end):
    return set(Stamp.objects.filter(batch=batch, number__range=(start, end)).values_list("number", flat=True))
