"""Issuing a batch reserves its serials; generating its stamps is chunked, resumable and idempotent."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from freezegun import freeze_time

from catalog.models import OcopCertificate, today
from shop.stamps import issuing
from shop.stamps.models import SerialCounter, Stamp, StampBatch
from tests.factories import ProducerFactory, certified_product, stamp_batch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


THANH_HOA = 38


def issue(product, quantity=3, **fields):
    fields.setdefault("lot", "L-01")
    fields.setdefault("produced_on", today() - timedelta(days=3))
    return issuing.issue_batch(product=product, quantity=quantity, **fields)


def test_batches_take_consecutive_serials_of_their_province_and_year(django_capture_on_commit_callbacks):
    honey = certified_product()
    with django_capture_on_commit_callbacks() as callbacks:
        first = issue(honey, quantity=10)
        second = issue(honey, quantity=5)
    other_province = issue(certified_product(producer=ProducerFactory(province_code=THANH_HOA)), quantity=2)

    assert (first.first_number, first.last_number) == (1, 10)
    assert (second.first_number, second.last_number) == (11, 15)
    assert second.first_serial == f"HT-{today().year}-00000011"
    assert other_province.first_serial == f"TH-{today().year}-00000001"
    assert first.status == StampBatch.Status.GENERATING
    assert first.certificate == honey.certificate and first.producer == honey.producer
    assert len(callbacks) == 2  # the generation of each batch waits for the commit


def test_serials_start_again_each_year():
    honey = certified_product()
    with freeze_time("2026-12-31 16:00:00"):  # 23:00 in Hà Nội
        last_of_2026 = issue(honey, quantity=4)
    with freeze_time("2026-12-31 17:30:00"):  # 00:30 on 1 January 2027 in Hà Nội
        first_of_2027 = issue(honey, quantity=4)
    assert last_of_2026.first_serial == "HT-2026-00000001"
    assert first_of_2027.first_serial == "HT-2027-00000001"
    assert SerialCounter.objects.get(province_code=42, year=2026).last_number == 4


@pytest.mark.parametrize("quantity", [0, -1, 100_001])
def test_a_batch_holds_1_to_100000_stamps(quantity):
    with pytest.raises(ValidationError, match="1 to 100,000"):
        issue(certified_product(), quantity=quantity)
    assert not StampBatch.objects.exists()
    assert not SerialCounter.objects.exists()


def test_the_limit_is_written_the_vietnamese_way_in_vietnamese():
    with translation.override("vi"), pytest.raises(ValidationError, match="100.000 tem"):
        issue(certified_product(), quantity=0)


def test_products_without_a_valid_certificate_of_3_stars_get_no_stamps():
    lapsed = certified_product()
    lapsed.certificate.status = OcopCertificate.Status.WITHDRAWN
    lapsed.certificate.save()
    two_stars = certified_product(stars=2)
    for product in (lapsed, two_stars):
        with pytest.raises(ValidationError, match="valid OCOP certificate of 3 stars"):
            issue(product)
        assert product not in issuing.issuable_products()
    assert not StampBatch.objects.exists()


def test_expiry_before_production_is_refused():
    with pytest.raises(ValidationError) as error:
        issue(certified_product(), produced_on=date(2026, 5, 2), expires_on=date(2026, 5, 1))
    assert "expires_on" in error.value.message_dict


def test_issuable_products_are_those_of_the_province():
    ha_tinh = certified_product()
    thanh_hoa = certified_product(producer=ProducerFactory(province_code=THANH_HOA))
    assert list(issuing.issuable_products(42)) == [ha_tinh]
    assert set(issuing.issuable_products()) == {ha_tinh, thanh_hoa}


def test_generation_runs_in_chunks_and_counts_progress():
    batch = issue(certified_product(), quantity=23)
    progress = []
    real_chunk = issuing._generate_chunk

    def spy(batch, start, end):
        progress.append((start, end))
        return real_chunk(batch, start, end)

    with mock.patch.object(issuing, "_generate_chunk", spy):
        assert issuing.generate_stamps(batch, chunk=10) == 23
    assert progress == [(1, 10), (11, 20), (21, 23)]
    batch.refresh_from_db()
    assert batch.generated_count == 23
    assert sorted(batch.stamps.values_list("number", flat=True)) == list(range(1, 24))
    assert len(set(batch.stamps.values_list("code", flat=True))) == 23


def test_generation_resumes_and_running_it_again_makes_nothing_twice():
    batch = issue(certified_product(), quantity=12)
    with mock.patch.object(issuing, "_generate_chunk", side_effect=[5, RuntimeError("worker lost")]):
        with pytest.raises(RuntimeError):
            issuing.generate_stamps(batch, chunk=5)
    issuing._generate_chunk(batch, 1, 5)  # what the first, interrupted run had committed
    codes_before = set(batch.stamps.values_list("code", flat=True))

    assert issuing.generate_stamps(batch, chunk=5) == 7
    assert issuing.generate_stamps(batch, chunk=5) == 0
    assert batch.stamps.count() == 12
    assert codes_before <= set(batch.stamps.values_list("code", flat=True))  # made stamps keep their codes


def test_a_code_drawn_twice_is_drawn_again():
    existing = stamp_batch(quantity=1).stamps.get()
    batch = issue(certified_product(), quantity=3)
    draws = iter([existing.code, "bbbbbbbbbbbbbbbb", "cccccccccccccccc", "dddddddddddddddd"])
    with mock.patch.object(issuing, "new_code", lambda: next(draws)):
        assert issuing.generate_stamps(batch) == 3
    assert set(batch.stamps.values_list("code", flat=True)) == {
        "bbbbbbbbbbbbbbbb",
        "cccccccccccccccc",
        "dddddddddddddddd",
    }
    assert Stamp.objects.get(code=existing.code).batch_id == existing.batch_id


def test_a_broken_random_source_stops_generation_instead_of_looping():
    batch = issue(certified_product(), quantity=2)
    with mock.patch.object(issuing, "new_code", lambda: "aaaaaaaaaaaaaaaa"):
        with pytest.raises(RuntimeError, match="unique codes"):
            issuing.generate_stamps(batch)
    assert batch.stamps.count() == 0  # the chunk's transaction rolled back
