"""The verdict on a code: precedence, lesser warnings, the certificate's problem and since when, the JSON."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from catalog.certificates import rerate_certificate, withdraw_certificate
from catalog.models import today
from shop.stamps.models import RevocationReason, StampScan
from shop.stamps.revocation import revoke, revoke_batch
from shop.stamps.scans import network_of
from shop.stamps.verification import PRECEDENCE, Verdict, certificate_problem, verify
from tests.factories import CertificateFactory, certified_product, stamp_batch

pytestmark = pytest.mark.django_db

JSON_KEYS = {
    "code",
    "verdict",
    "verdict_label",
    "warnings",
    "verification_url",
    "report_url",
    "stamp",
    "revocation",
    "suspicion",
    "product",
    "producer",
    "certificate",
    "batch",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def batch():
    return stamp_batch(quantity=5, lot="LO-2026-07", expires_on=today() + timedelta(days=300))


def stamp_of(batch, number=1):
    return batch.stamps.get(number=batch.first_number + number - 1)


def test_precedence_is_unknown_revoked_suspicious_lapsed_genuine():
    assert PRECEDENCE == (
        Verdict.UNKNOWN,
        Verdict.REVOKED,
        Verdict.SUSPICIOUS,
        Verdict.CERTIFICATE_LAPSED,
        Verdict.GENUINE,
    )


def test_genuine_stamp(batch):
    stamp = stamp_of(batch, 2)
    result = verify(stamp.code.upper() + "  ")
    assert result.verdict == Verdict.GENUINE
    assert result.warnings == ()
    assert result.stamp == stamp and result.batch == batch
    assert result.product == batch.product and result.producer == batch.producer
    assert result.certificate == batch.product.certificate
    assert result.certificate_problem == "" and result.certificate_problem_since is None
    assert result.serial == batch.serial(batch.first_number + 1)
    assert result.lot == "LO-2026-07"
    assert result.produced_on == batch.produced_on
    assert result.expires_on == batch.expires_on and not result.is_past_expiry
    assert result.product_is_for_sale and result.product_url == batch.product.get_absolute_url()


def test_verify_without_a_network_records_nothing(batch):
    stamp = stamp_of(batch)
    result = verify(stamp.code)
    assert result.scan_count == 0 and result.first_scanned_at is None
    assert not StampScan.objects.exists()


def test_verify_with_a_network_counts_the_scan_first(batch):
    stamp = stamp_of(batch)
    moment = timezone.now() - timedelta(hours=3)
    first = verify(stamp.code, now=moment, scan_network=network_of("203.0.113.9"))
    second = verify(stamp.code, scan_network=network_of("203.0.113.10"))
    assert (first.scan_count, second.scan_count) == (1, 2)
    assert second.first_scanned_at == moment
    assert second.suspicion.networks_last_day == 1  # the same /24


@pytest.mark.parametrize("code", ["aaaaaaaaaaaaaaaa", "not-a-code", "x" * 200, "", "a/b"])
def test_unknown_and_malformed_codes(batch, code):
    result = verify(code)
    assert result.verdict == Verdict.UNKNOWN
    assert result.stamp is None and result.certificate is None
    assert len(result.code) <= 64
    data = result.as_json()
    assert set(data) == JSON_KEYS
    assert data["verdict"] == "unknown"
    assert data["verdict_label"] == "Unknown code: possibly counterfeit"
    assert data["stamp"] is data["product"] is data["certificate"] is data["batch"] is None


def test_revoked_stamp_keeps_its_certificate_state(batch):
    stamp = stamp_of(batch, 3)
    revoke(batch, stamp.number, stamp.number, reason=RevocationReason.LOST_OR_STOLEN, note="Thùng hàng bị mất ở kho")
    withdraw_certificate(batch.certificate, occurred_on=today() - timedelta(days=2), reference="12/QĐ-UBND")
    result = verify(stamp.code)
    assert result.verdict == Verdict.REVOKED
    assert result.warnings == (Verdict.CERTIFICATE_LAPSED,)
    assert result.revocation_reason == RevocationReason.LOST_OR_STOLEN
    assert result.revoked_on == today()
    assert result.certificate_problem == "withdrawn"
    data = result.as_json()
    assert data["revocation"] == {"reason": "lost", "reason_label": "Lost or stolen", "revoked_on": today().isoformat()}
    assert "note" not in data["revocation"]  # the officer's note is not for the public
    assert data["warnings"] == ["certificate_lapsed"]
    assert data["certificate"]["problem"] == "withdrawn"
    # The other stamps of the batch are not revoked.
    assert verify(stamp_of(batch, 2).code).verdict == Verdict.CERTIFICATE_LAPSED


def test_revoking_a_range_and_a_whole_batch(batch):
    revoke(batch, batch.first_number + 1, batch.first_number + 2, reason=RevocationReason.MISPRINTED)
    verdicts = [verify(stamp_of(batch, n).code).verdict for n in range(1, 6)]
    assert verdicts == [Verdict.GENUINE, Verdict.REVOKED, Verdict.REVOKED, Verdict.GENUINE, Verdict.GENUINE]
    revoke_batch(batch, reason=RevocationReason.PRODUCT_RECALLED)
    results = [verify(stamp_of(batch, n).code) for n in range(1, 6)]
    assert {result.verdict for result in results} == {Verdict.REVOKED}
    # Stamps revoked before keep their first reason.
    assert [result.revocation_reason for result in results] == [
        "recalled",
        "misprinted",
        "misprinted",
        "recalled",
        "recalled",
    ]


def test_suspicious_by_total_scans_outranks_a_lapsed_certificate(batch, settings):
    settings.OCOP_STAMP_SUSPICIOUS_SCANS = 3
    stamp = stamp_of(batch)
    network = network_of("198.51.100.7")
    verdicts = [verify(stamp.code, scan_network=network).verdict for _ in range(4)]
    assert verdicts == [Verdict.GENUINE] * 3 + [Verdict.SUSPICIOUS]
    withdraw_certificate(batch.certificate, occurred_on=today(), reference="13/QĐ-UBND")
    result = verify(stamp.code)
    assert result.verdict == Verdict.SUSPICIOUS
    assert result.warnings == (Verdict.CERTIFICATE_LAPSED,)
    assert result.suspicion.too_many_scans and not result.suspicion.too_many_networks


def test_suspicious_by_networks_in_a_day(batch, settings):
    settings.OCOP_STAMP_SUSPICIOUS_NETWORKS_PER_DAY = 2
    stamp = stamp_of(batch)
    long_ago = timezone.now() - timedelta(days=3)
    for address in ("192.0.2.1", "198.51.100.1", "203.0.113.1"):  # three networks, but days ago
        verify(stamp.code, now=long_ago, scan_network=network_of(address))
    assert verify(stamp.code).verdict == Verdict.GENUINE
    for address in ("192.0.2.1", "198.51.100.1"):
        assert verify(stamp.code, scan_network=network_of(address)).verdict == Verdict.GENUINE
    result = verify(stamp.code, scan_network=network_of("203.0.113.1"))
    assert result.verdict == Verdict.SUSPICIOUS
    assert result.suspicion.networks_last_day == 3 and result.suspicion.too_many_networks


def test_suspicious_revoked_stamp_says_revoked_and_keeps_the_suspicion(batch, settings):
    settings.OCOP_STAMP_SUSPICIOUS_SCANS = 1
    stamp = stamp_of(batch)
    revoke(batch, stamp.number, stamp.number, reason=RevocationReason.COUNTERFEIT)
    verify(stamp.code, scan_network="n1")
    result = verify(stamp.code, scan_network="n1")
    assert result.verdict == Verdict.REVOKED
    assert result.warnings == (Verdict.SUSPICIOUS,)
    assert result.as_json()["suspicion"]["suspicious"] is True


def test_certificate_withdrawn_since_its_withdrawal(batch):
    withdrawn_on = today() - timedelta(days=4)
    withdraw_certificate(batch.certificate, occurred_on=withdrawn_on, reference="14/QĐ-UBND")
    result = verify(stamp_of(batch).code)
    assert result.verdict == Verdict.CERTIFICATE_LAPSED
    assert (result.certificate_problem, result.certificate_problem_since) == ("withdrawn", withdrawn_on)
    assert withdrawn_on.strftime("%d/%m/%Y") in result.certificate_problem_text
    assert not result.product_is_for_sale and result.product_url == ""
    data = result.as_json()["certificate"]
    assert data["valid"] is False
    assert data["problem_since"] == withdrawn_on.isoformat()
    assert data["problem_label"] == "The OCOP certificate was withdrawn"


def test_certificate_expired_since_the_day_after_its_last_valid_day(batch):
    certificate = batch.certificate
    result = verify(stamp_of(batch).code, day=certificate.valid_until)
    assert result.verdict == Verdict.GENUINE
    later = certificate.valid_until + timedelta(days=30)
    result = verify(stamp_of(batch).code, day=later)
    assert result.verdict == Verdict.CERTIFICATE_LAPSED
    assert result.certificate_problem == "expired"
    assert result.certificate_problem_since == certificate.valid_until + timedelta(days=1)
    assert certificate.valid_until.strftime("%d/%m/%Y") in result.certificate_problem_text
    # The lot expired by then, too.
    assert result.is_past_expiry and result.as_json()["batch"]["past_expiry"] is True


def test_certificate_reduced_since_the_reduction(batch):
    reduced_on = today() - timedelta(days=6)
    rerate_certificate(batch.certificate, score=40, occurred_on=reduced_on, reference="Biên bản kiểm tra 7/BB")
    result = verify(stamp_of(batch).code)
    assert result.verdict == Verdict.CERTIFICATE_LAPSED
    assert (result.certificate_problem, result.certificate_problem_since) == ("reduced", reduced_on)
    assert "2 stars" in result.certificate_problem_text
    assert result.as_json()["certificate"]["stars"] == 2


def test_the_products_current_certificate_counts_not_the_one_the_batch_was_issued_under(batch):
    old = batch.certificate
    withdraw_certificate(old, occurred_on=today() - timedelta(days=1), reference="15/QĐ-UBND")
    assert verify(stamp_of(batch).code).verdict == Verdict.CERTIFICATE_LAPSED
    new = CertificateFactory(product=batch.product, stars=5)
    result = verify(stamp_of(batch).code)
    assert result.verdict == Verdict.GENUINE
    assert result.certificate == new and result.certificate.stars == 5


def test_a_product_without_current_certificate_falls_back_to_the_batchs(batch):
    product = batch.product
    product.certificate = None
    product.save(update_fields=["certificate"])
    result = verify(stamp_of(batch).code)
    assert result.certificate == batch.certificate
    assert result.verdict == Verdict.GENUINE
    assert not result.product_is_for_sale  # no current certificate: not on sale


def test_low_stars_and_not_yet_valid_come_as_they_are():
    product = certified_product()
    certificate = product.certificate
    certificate.stars, certificate.score = 2, 35
    certificate.save()
    assert certificate_problem(certificate, today()) == ("low_stars", certificate.valid_from)
    certificate.valid_from = today() + timedelta(days=3)
    certificate.save()
    assert certificate_problem(certificate, today()) == ("not_yet_valid", None)


def test_json_has_stable_keys_iso_dates_and_absolute_urls(batch, settings):
    settings.SITE_URL = "https://ocop.example.vn"
    stamp = stamp_of(batch)
    verify(stamp.code, scan_network="net")
    data = verify(stamp.code, scan_network="net").as_json()
    assert set(data) == JSON_KEYS
    assert data["verdict"] == "genuine" and data["verdict_label"] == "Genuine stamp"
    assert data["verification_url"] == f"https://ocop.example.vn/t/{stamp.code}"
    assert data["report_url"] == f"https://ocop.example.vn/t/{stamp.code}/report/"
    assert data["product"]["url"] == "https://ocop.example.vn" + batch.product.get_absolute_url()
    assert data["product"]["image_url"] is None
    assert data["producer"]["province"] == "Hà Tĩnh" and data["producer"]["province_code"] == 42
    assert data["stamp"]["scan_count"] == 2
    assert data["stamp"]["first_scanned_at"].endswith("+07:00")
    assert data["batch"] == {
        "lot": "LO-2026-07",
        "produced_on": batch.produced_on.isoformat(),
        "expires_on": batch.expires_on.isoformat(),
        "past_expiry": False,
    }
    assert data["certificate"]["valid_until"] == batch.certificate.valid_until.isoformat()
    with translation.override("vi"):
        assert verify(stamp.code).as_json()["verdict"] == "genuine"


def test_a_scan_reads_the_stamp_and_takes_what_its_batch_shares_from_the_cache(batch):
    first, second = stamp_of(batch, 1), stamp_of(batch, 2)
    # The scan: on PostgreSQL its transaction first stops waiting for the disk at commit (SET LOCAL).
    scan = (["SET"] if connection.vendor == "postgresql" else []) + ["INSERT", "UPDATE"]
    with CaptureQueriesContext(connection) as queries:
        verify(first.code, scan_network="net")
    # The stamp; its batch with product, producer and certificates; the photo; the scan.
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT", "SELECT", "SELECT", *scan]

    with CaptureQueriesContext(connection) as queries:
        result = verify(second.code, scan_network="net")
        result.as_json()
        names = (result.product_name, result.province_name, result.certificate.number, result.producer.name)
        assert result.image_url == "" and result.revocation is None
    assert all(names)
    # Another stamp of the batch: its own row and its scan (whose update returns the networks too).
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT", *scan]
    assert result.scan_count == 1 and result.suspicion.networks_last_day == 1


def test_a_look_up_without_a_scan_counts_the_networks_itself(batch):
    stamp = stamp_of(batch)
    for address in ("203.0.113.1", "198.51.100.1", "203.0.113.2"):
        verify(stamp.code, scan_network=network_of(address))
    result = verify(stamp.code)
    assert result.scan_count == 3 and result.suspicion.networks_last_day == 2
