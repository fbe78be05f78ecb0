"""The coordination office's actions on certificates, each one written in the certificate's history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from catalog.certificates import (
    certificates_due_reminder,
    issue_certificate,
    record_expiries,
    renew_certificate,
    rerate_certificate,
    withdraw_certificate,
)
from catalog.groups import ProductGroup
from catalog.models import CertificateEvent, ExpiryReminder, OcopCertificate, Product
from tests.factories import CertificateFactory, ProductFactory, certified_product

pytestmark = pytest.mark.django_db

Kind = CertificateEvent.Kind
DAY = date(2026, 3, 10)


def issue(product, **fields):
    values = {
        "number": "OCOP-HT-ISSUED-1",
        "score": 74,
        "group": ProductGroup.FOOD,
        "subgroup": "condiments",
        "certifying_level": OcopCertificate.CertifyingLevel.PROVINCE,
        "issuing_authority": "UBND tỉnh Hà Tĩnh",
        "decision_number": "1520/QĐ-UBND",
        "decision_date": date(2025, 9, 15),
        "valid_from": date(2025, 9, 15),
    }
    values.update(fields)
    return issue_certificate(product, **values)


def kinds(certificate):
    return list(certificate.events.order_by("pk").values_list("kind", flat=True))


def certificate_ending(valid_until, **fields):
    fields.setdefault("decision_date", valid_until - timedelta(days=1000))
    return CertificateFactory(valid_from=fields["decision_date"], valid_until=valid_until, **fields)


# --- issue ---------------------------------------------------------------


def test_issuing_makes_the_certificate_current_and_records_it():
    product = ProductFactory(title="Nước mắm Lộc Hà")
    certificate = issue(product, reference="")
    product.refresh_from_db()
    assert product.certificate == certificate
    assert certificate.stars == 4  # from the score of 74
    assert certificate.valid_until == date(2028, 9, 14)
    (event,) = certificate.events.all()
    assert event.kind == Kind.ISSUED
    assert event.occurred_on == date(2025, 9, 15)
    assert (event.stars_before, event.stars_after, event.score_after) == (None, 4, 74)
    assert event.valid_until_after == date(2028, 9, 14)
    assert event.reference == "1520/QĐ-UBND — UBND tỉnh Hà Tĩnh"


def test_issuing_a_new_certificate_replaces_the_current_one():
    product = certified_product(stars=3)
    old = product.certificate
    new = issue(product, score=91, certifying_level=OcopCertificate.CertifyingLevel.CENTRAL)
    product.refresh_from_db()
    assert product.certificate == new != old
    assert new.stars == 5


def test_issuing_five_stars_at_province_level_is_refused_and_leaves_nothing_behind():
    product = ProductFactory()
    with pytest.raises(ValidationError) as raised:
        issue(product, score=95)
    assert "certifying_level" in raised.value.message_dict
    product.refresh_from_db()
    assert product.certificate is None
    assert not OcopCertificate.objects.exists()
    assert not CertificateEvent.objects.exists()


def test_issuing_with_stars_that_contradict_the_score_is_refused():
    with pytest.raises(ValidationError) as raised:
        issue(ProductFactory(), score=74, stars=3)
    assert "score" in raised.value.message_dict


def test_issuing_with_a_score_off_the_scale_is_a_validation_error():
    with pytest.raises(ValidationError) as raised:
        issue(ProductFactory(), score=120)
    assert "score" in raised.value.message_dict


# --- re-rating -----------------------------------------------------------


def test_a_higher_score_upgrades_the_stars():
    certificate = certified_product(stars=3).certificate
    rerate_certificate(certificate, score=72, occurred_on=DAY, reference="Biên bản kiểm tra 12/BB-VPĐP")
    certificate.refresh_from_db()
    assert (certificate.stars, certificate.score) == (4, 72)
    event = certificate.events.get(kind=Kind.UPGRADED)
    assert (event.stars_before, event.stars_after, event.score_after) == (3, 4, 72)
    assert event.occurred_on == DAY
    assert event.reference == "Biên bản kiểm tra 12/BB-VPĐP"


def test_a_lower_score_reduces_the_stars():
    certificate = certified_product(stars=4).certificate
    rerate_certificate(certificate, score=45, occurred_on=DAY, reference="Quyết định 88/QĐ-UBND", note="Không đạt")
    certificate.refresh_from_db()
    assert certificate.stars == 2
    event = certificate.events.get(kind=Kind.REDUCED)
    assert (event.stars_before, event.stars_after, event.note) == (4, 2, "Không đạt")


def test_a_new_score_in_the_same_band_is_not_a_change():
    certificate = certified_product(stars=4).certificate
    with pytest.raises(ValidationError):
        rerate_certificate(certificate, score=88, occurred_on=DAY, reference="Biên bản 1")
    certificate.refresh_from_db()
    assert certificate.score == 75
    assert not certificate.events.filter(kind__in=[Kind.UPGRADED, Kind.REDUCED]).exists()


def test_an_upgrade_to_five_stars_needs_the_central_council():
    certificate = certified_product(stars=4).certificate
    with pytest.raises(ValidationError):
        rerate_certificate(certificate, score=93, occurred_on=DAY, reference="Biên bản 2")
    certificate.refresh_from_db()
    assert certificate.stars == 4
    rerate_certificate(
        certificate,
        score=93,
        occurred_on=DAY,
        reference="Quyết định 5/QĐ-BNN",
        certifying_level=OcopCertificate.CertifyingLevel.CENTRAL,
    )
    certificate.refresh_from_db()
    assert (certificate.stars, certificate.certifying_level) == (5, "central")


def test_a_withdrawn_certificate_cannot_be_rerated():
    certificate = certified_product(stars=4).certificate
    withdraw_certificate(certificate, occurred_on=DAY, reference="Quyết định 90/QĐ-UBND")
    with pytest.raises(ValidationError):
        rerate_certificate(certificate, score=60, occurred_on=DAY, reference="Biên bản 3")


# --- withdrawal ----------------------------------------------------------


def test_withdrawal_is_recorded_once():
    certificate = certified_product(stars=4).certificate
    withdraw_certificate(certificate, occurred_on=DAY, reference="Quyết định 90/QĐ-UBND")
    certificate.refresh_from_db()
    assert certificate.status == OcopCertificate.Status.WITHDRAWN
    assert certificate.withdrawn_on == DAY
    event = certificate.events.get(kind=Kind.WITHDRAWN)
    assert (event.occurred_on, event.stars_before, event.reference) == (DAY, 4, "Quyết định 90/QĐ-UBND")
    with pytest.raises(ValidationError):
        withdraw_certificate(certificate, occurred_on=DAY, reference="again")
    assert kinds(certificate).count(Kind.WITHDRAWN) == 1


# --- renewal -------------------------------------------------------------


def test_renewal_gives_36_months_from_the_new_start():
    certificate = certified_product(stars=4).certificate
    renew_certificate(
        certificate, decision_number="77/QĐ-UBND", decision_date=date(2027, 3, 1), valid_from=date(2027, 3, 2)
    )
    certificate.refresh_from_db()
    assert certificate.valid_from == date(2027, 3, 2)
    assert certificate.valid_until == date(2030, 3, 1)
    assert certificate.decision_number == "77/QĐ-UBND"
    event = certificate.events.get(kind=Kind.RENEWED)
    assert event.valid_until_after == date(2030, 3, 1)
    assert event.occurred_on == date(2027, 3, 1)
    assert event.reference.startswith("77/QĐ-UBND")


def test_renewal_with_a_new_score_records_the_stars():
    certificate = certified_product(stars=4).certificate
    renew_certificate(
        certificate, decision_number="78/QĐ-UBND", decision_date=DAY, valid_from=DAY, score=58, reference="Hội đồng"
    )
    event = certificate.events.get(kind=Kind.RENEWED)
    assert (event.stars_before, event.stars_after, event.score_after) == (4, 3, 58)


def test_a_withdrawn_certificate_cannot_be_renewed():
    certificate = certified_product().certificate
    withdraw_certificate(certificate, occurred_on=DAY, reference="Quyết định 90/QĐ-UBND")
    with pytest.raises(ValidationError):
        renew_certificate(certificate, decision_number="1/QĐ", decision_date=DAY, valid_from=DAY)


# --- expiry --------------------------------------------------------------


def test_expiry_is_recorded_the_day_after_the_last_valid_day_and_once():
    certificate = certificate_ending(date(2026, 3, 31))
    assert record_expiries(date(2026, 3, 31)) == 0
    assert record_expiries(date(2026, 4, 1)) == 1
    assert record_expiries(date(2026, 4, 1)) == 0
    assert record_expiries(date(2026, 5, 1)) == 0
    event = certificate.events.get(kind=Kind.EXPIRED)
    assert event.occurred_on == date(2026, 4, 1)
    assert event.valid_until_after == date(2026, 3, 31)
    assert event.stars_before == certificate.stars


def test_the_database_keeps_one_expiry_per_validity_period():
    certificate = certificate_ending(date(2026, 3, 31))
    record_expiries(date(2026, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        certificate.events.create(kind=Kind.EXPIRED, occurred_on=date(2026, 4, 2), valid_until_after=date(2026, 3, 31))


def test_a_certificate_renewed_after_expiring_expires_again_at_the_new_end():
    certificate = certificate_ending(date(2026, 3, 31))
    record_expiries(date(2026, 4, 1))
    renew_certificate(
        certificate, decision_number="9/QĐ-UBND", decision_date=date(2026, 4, 5), valid_from=date(2026, 4, 5)
    )
    certificate.refresh_from_db()
    assert certificate.valid_until == date(2029, 4, 4)
    assert record_expiries(date(2029, 4, 4)) == 0
    assert record_expiries(date(2029, 4, 5)) == 1
    assert kinds(certificate) == [Kind.EXPIRED, Kind.RENEWED, Kind.EXPIRED]


def test_withdrawn_and_current_certificates_do_not_expire():
    withdrawn = certificate_ending(date(2026, 3, 31))
    withdraw_certificate(withdrawn, occurred_on=date(2026, 3, 1), reference="Quyết định 90/QĐ-UBND")
    current = certificate_ending(date(2026, 12, 31))
    assert record_expiries(date(2026, 4, 1)) == 0
    assert not CertificateEvent.objects.filter(kind=Kind.EXPIRED).exists()
    assert current.is_valid_on(date(2026, 4, 1))


# --- reminders -----------------------------------------------------------


def remind(days_before, day):
    """What the reminder task does: pick the certificates due, note that each was reminded."""
    due = list(certificates_due_reminder(days_before, day))
    for certificate in due:
        ExpiryReminder.objects.create(
            certificate=certificate, days_before=days_before, valid_until=certificate.valid_until
        )
    return due


@pytest.mark.parametrize(
    ("days_left", "due_60", "due_14"),
    [(61, False, False), (60, True, False), (15, True, False), (14, False, True), (1, False, True), (0, False, True)],
)
def test_reminder_windows(days_left, due_60, due_14):
    certificate = certificate_ending(DAY + timedelta(days=days_left))
    assert (certificate in certificates_due_reminder(60, DAY)) is due_60
    assert (certificate in certificates_due_reminder(14, DAY)) is due_14


def test_each_reminder_goes_once_per_validity_period():
    certificate = certificate_ending(DAY + timedelta(days=60))
    assert remind(60, DAY) == [certificate]
    assert remind(60, DAY) == []
    assert remind(60, DAY + timedelta(days=10)) == []
    assert remind(14, DAY + timedelta(days=46)) == [certificate]
    assert remind(14, DAY + timedelta(days=50)) == []
    # Renewed: the new period has its own reminders, even though the old ones exist.
    renew_certificate(certificate, decision_number="5/QĐ-UBND", decision_date=DAY, valid_from=DAY)
    certificate.refresh_from_db()
    end = certificate.valid_until
    assert remind(60, end - timedelta(days=60)) == [certificate]
    assert remind(14, end - timedelta(days=14)) == [certificate]
    assert ExpiryReminder.objects.filter(certificate=certificate).count() == 4


def test_a_missed_run_still_sends_the_reminder_of_its_window():
    certificate = certificate_ending(DAY + timedelta(days=40))
    # The run 60 days ahead never happened; 40 days ahead it is still the 60-day reminder that is due.
    assert remind(14, DAY) == []
    assert remind(60, DAY) == [certificate]
    # Both runs missed until 10 days ahead: only the 14-day reminder is sent, not a stale 60-day one.
    other = certificate_ending(DAY + timedelta(days=10))
    assert remind(60, DAY) == []
    assert remind(14, DAY) == [other]


def test_no_reminder_for_expired_withdrawn_or_unsellable_certificates():
    certificate_ending(DAY - timedelta(days=1))
    withdrawn = certificate_ending(DAY + timedelta(days=10))
    withdraw_certificate(withdrawn, occurred_on=DAY, reference="Quyết định 90/QĐ-UBND")
    certificate_ending(DAY + timedelta(days=10), stars=2)
    assert list(certificates_due_reminder(14, DAY)) == []
    assert list(certificates_due_reminder(60, DAY)) == []


def test_no_reminder_for_a_certificate_the_product_no_longer_carries():
    old = certificate_ending(DAY + timedelta(days=10))
    issue(
        old.product,
        number="OCOP-HT-ISSUED-2",
        valid_from=DAY - timedelta(days=5),
        decision_date=DAY - timedelta(days=5),
    )
    assert list(certificates_due_reminder(14, DAY)) == []


# --- why a product is not for sale ---------------------------------------


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_the_reasons_a_product_is_not_for_sale(english):
    product = certified_product(stars=4)
    certificate = product.certificate
    start, end = certificate.valid_from, certificate.valid_until
    assert product.reason_not_for_sale(end) is None
    assert product.reason_not_for_sale(end + timedelta(days=1)) == (
        f"the OCOP certificate expired: it was valid until {end:%d/%m/%Y}"
    )
    assert product.reason_not_for_sale(start - timedelta(days=1)) == (
        f"the OCOP certificate is valid only from {start:%d/%m/%Y}"
    )

    rerate_certificate(certificate, score=40, occurred_on=date(2026, 2, 3), reference="Biên bản 4")
    product = Product.objects.get(pk=product.pk)
    assert product.reason_not_for_sale(end) == (
        "the OCOP rating was reduced to 2 stars on 03/02/2026; only products of 3 stars or more are sold"
    )

    withdraw_certificate(certificate, occurred_on=date(2026, 2, 20), reference="Quyết định 90/QĐ-UBND")
    product = Product.objects.get(pk=product.pk)
    assert product.reason_not_for_sale(end) == "the OCOP certificate was withdrawn on 20/02/2026"


def test_a_certificate_issued_below_three_stars_is_not_called_reduced(english):
    product = ProductFactory()
    issue(product, score=35)
    product.refresh_from_db()
    assert product.reason_not_for_sale(date(2026, 1, 1)) == (
        "the OCOP rating is 2 stars; only products of 3 stars or more are sold"
    )


def test_no_certificate_or_taken_off_sale(english):
    assert ProductFactory().reason_not_for_sale() == "it has no OCOP certificate"
    hidden = certified_product(is_public=False)
    assert hidden.reason_not_for_sale() == "it has been taken off sale"
