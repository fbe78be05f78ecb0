"""Revoking stamps: one serial, a range of serials or a whole batch."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shop.stamps.codes import parse_serial
from shop.stamps.models import Stamp, StampBatch, StampRevocation


@transaction.atomic
def revoke(batch, first_number, last_number, *, reason, note="", revoked_by=None):
    """Revoke the batch's stamps numbered ``first_number`` to ``last_number`` (both included).

    Stamps revoked before keep their first revocation. Returns the StampRevocation, whose
    ``stamp_count`` says how many stamps this decision revoked.
    """
    if first_number > last_number:
        raise ValidationError(_("The first serial must not come after the last one."))
    if first_number < batch.first_number or last_number > batch.last_number:
        raise ValidationError(
            _("This batch holds serials %(first)s to %(last)s only.")
            % {"first": batch.first_serial, "last": batch.last_serial}
        )
    if batch.status == StampBatch.Status.GENERATING:
        raise ValidationError(_("The stamps of this batch are still being generated; revoke them once it is done."))
    revocation = StampRevocation.objects.create(
        batch=batch,
        first_number=first_number,
        last_number=last_number,
        reason=reason,
        note=note,
        revoked_by=revoked_by,
    )
    revocation.stamp_count = Stamp.objects.filter(
        batch=batch, number__range=(first_number, last_number), revocation__isnull=True
    ).update(revocation=revocation)
    if revocation.stamp_count == 0:
        raise ValidationError(_("Every stamp in this range was already revoked."))
    revocation.save(update_fields=["stamp_count"])
    return revocation


def revoke_batch(batch, **decision):
    return revoke(batch, batch.first_number, batch.last_number, **decision)


def numbers_in_batch(batch, first_serial, last_serial=None):
    """The running numbers of a printed serial (or a range of them) of ``batch``.

    Raises ValidationError, in the officer's language, for a serial that is malformed or
    belongs to another batch.
    """
    numbers = []
    for serial in (first_serial, last_serial or first_serial):
        try:
            province_code, year, number = parse_serial(serial)
        except ValueError:
            raise ValidationError(
                _("“%(serial)s” is not a stamp serial such as %(example)s.")
                % {"serial": serial, "example": batch.first_serial}
            ) from None
        if (province_code, year) != (batch.province_code, batch.year) or not (
            batch.first_number <= number <= batch.last_number
        ):
            raise ValidationError(
                _("%(serial)s is not in this batch (%(first)s to %(last)s).")
                % {"serial": serial.strip().upper(), "first": batch.first_serial, "last": batch.last_serial}
            )
        numbers.append(number)
    return tuple(numbers)
