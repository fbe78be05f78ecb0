"""Revoking one stamp, a range of serials or a whole batch."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from shop.stamps.models import RevocationReason, StampBatch
from shop.stamps.revocation import numbers_in_batch, revoke, revoke_batch
from tests.factories import stamp_batch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def revoked_numbers(batch):
    return sorted(batch.stamps.filter(revocation__isnull=False).values_list("number", flat=True))


def test_revoking_one_stamp():
    batch = stamp_batch(quantity=5)
    revocation = revoke(batch, 3, 3, reason=RevocationReason.LOST_OR_STOLEN, note="Thùng hàng thất lạc")
    assert revoked_numbers(batch) == [3]
    assert revocation.stamp_count == 1
    assert revocation.first_serial == revocation.last_serial == batch.serial(3)
    assert batch.stamps.get(number=3).revocation.get_reason_display() == "Lost or stolen"


def test_revoking_a_range_keeps_earlier_revocations():
    batch = stamp_batch(quantity=10)
    first = revoke(batch, 4, 4, reason=RevocationReason.MISPRINTED)
    second = revoke(batch, 2, 6, reason=RevocationReason.COUNTERFEIT)
    assert revoked_numbers(batch) == [2, 3, 4, 5, 6]
    assert second.stamp_count == 4
    assert batch.stamps.get(number=4).revocation == first


def test_revoking_the_whole_batch():
    batch = stamp_batch(quantity=6)
    revoke(batch, 1, 1, reason=RevocationReason.MISPRINTED)
    revocation = revoke_batch(batch, reason=RevocationReason.PRODUCT_RECALLED, note="Thu hồi lô")
    assert revoked_numbers(batch) == [1, 2, 3, 4, 5, 6]
    assert revocation.stamp_count == 5
    assert (revocation.first_number, revocation.last_number) == (batch.first_number, batch.last_number)


def test_revoking_what_is_already_revoked_is_refused_and_leaves_no_record():
    batch = stamp_batch(quantity=3)
    revoke_batch(batch, reason=RevocationReason.OTHER)
    with pytest.raises(ValidationError, match="already revoked"):
        revoke(batch, 1, 2, reason=RevocationReason.OTHER)
    assert batch.revocations.count() == 1


@pytest.mark.parametrize("first, last", [(0, 2), (2, 6), (3, 2)])
def test_ranges_outside_the_batch_or_backwards_are_refused(first, last):
    batch = stamp_batch(quantity=5)
    with pytest.raises(ValidationError):
        revoke(batch, first, last, reason=RevocationReason.OTHER)
    assert revoked_numbers(batch) == []


def test_a_batch_still_generating_cannot_be_revoked():
    batch = stamp_batch(quantity=2)
    StampBatch.objects.filter(pk=batch.pk).update(status=StampBatch.Status.GENERATING)
    batch.refresh_from_db()
    with pytest.raises(ValidationError, match="still being generated"):
        revoke_batch(batch, reason=RevocationReason.OTHER)


def test_serials_are_read_as_printed():
    batch = stamp_batch(quantity=5)
    assert numbers_in_batch(batch, batch.serial(2)) == (2, 2)
    assert numbers_in_batch(batch, f" {batch.serial(2).lower()} ", batch.serial(4)) == (2, 4)


@pytest.mark.parametrize("serial", ["HT-2026-ABC", "nonsense", "TH-2026-00000002"])
def test_serials_of_other_batches_or_malformed_are_refused(serial):
    batch = stamp_batch(quantity=5)
    with pytest.raises(ValidationError):
        numbers_in_batch(batch, serial)


def test_a_serial_beyond_the_batch_is_refused_with_the_batch_range():
    batch = stamp_batch(quantity=5)
    with pytest.raises(ValidationError, match=batch.last_serial):
        numbers_in_batch(batch, batch.serial(6))
