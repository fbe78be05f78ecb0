"""The OCOP certificate's own rules: star bands, the central council for 5 stars, groups, validity dates."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from catalog.groups import ProductGroup
from catalog.models import OcopCertificate, default_valid_until, today
from catalog.stars import stars_for_score
from tests.factories import CertificateFactory, ProductFactory

pytestmark = pytest.mark.django_db


def unsaved_certificate(**fields):
    values = {
        "product": ProductFactory(),
        "number": "OCOP-HT-TEST",
        "stars": 4,
        "score": 75,
        "group": ProductGroup.FOOD,
        "subgroup": "processed_food",
        "certifying_level": OcopCertificate.CertifyingLevel.PROVINCE,
        "issuing_authority": "UBND tỉnh Hà Tĩnh",
        "decision_number": "1234/QĐ-UBND",
        "decision_date": date(2025, 9, 15),
        "valid_from": date(2025, 9, 15),
    }
    values.update(fields)
    return OcopCertificate(**values)


def errors_of(certificate):
    with pytest.raises(ValidationError) as raised:
        certificate.full_clean()
    return raised.value.message_dict


@pytest.mark.parametrize(
    ("score", "stars"),
    [(0, 1), (29, 1), (30, 2), (49, 2), (50, 3), (69, 3), (70, 4), (89, 4), (90, 5), (100, 5)],
)
def test_star_bands_at_their_edges(score, stars):
    assert stars_for_score(score) == stars
    level = OcopCertificate.CertifyingLevel.CENTRAL if stars == 5 else OcopCertificate.CertifyingLevel.PROVINCE
    unsaved_certificate(score=score, stars=stars, certifying_level=level).full_clean()


@pytest.mark.parametrize(
    ("score", "stars"),
    [(29, 2), (30, 1), (49, 3), (50, 2), (69, 4), (70, 3), (89, 5), (90, 4), (0, 2), (100, 4)],
)
def test_a_score_outside_the_star_band_is_refused(score, stars):
    certificate = unsaved_certificate(
        score=score, stars=stars, certifying_level=OcopCertificate.CertifyingLevel.CENTRAL
    )
    errors = errors_of(certificate)
    assert list(errors) == ["score"]
    assert str(score) in errors["score"][0]


def test_the_score_error_names_the_band_of_the_stars():
    with translation.override("en"):
        errors = errors_of(unsaved_certificate(stars=3, score=70))
    assert errors["score"] == ["A 3-star product scores 50 to 69 points, not 70."]


@pytest.mark.parametrize("score", [101, 150])
def test_a_score_above_100_is_refused(score):
    assert "score" in errors_of(unsaved_certificate(stars=5, score=score))


def test_stars_outside_1_to_5_are_refused():
    assert "stars" in errors_of(unsaved_certificate(stars=6, score=95))
    assert "stars" in errors_of(unsaved_certificate(stars=0, score=10))


def test_five_stars_only_from_the_central_council():
    errors = errors_of(unsaved_certificate(stars=5, score=92))
    assert list(errors) == ["certifying_level"]
    unsaved_certificate(stars=5, score=92, certifying_level=OcopCertificate.CertifyingLevel.CENTRAL).full_clean()


def test_the_central_council_may_certify_fewer_stars():
    unsaved_certificate(stars=4, score=80, certifying_level=OcopCertificate.CertifyingLevel.CENTRAL).full_clean()


def test_the_database_refuses_a_province_level_five_star_certificate():
    certificate = unsaved_certificate(stars=5, score=95)
    with pytest.raises(IntegrityError), transaction.atomic():
        certificate.save()


def test_the_database_refuses_stars_out_of_range():
    with pytest.raises(IntegrityError), transaction.atomic():
        unsaved_certificate(stars=6, score=95, certifying_level=OcopCertificate.CertifyingLevel.CENTRAL).save()


def test_the_subgroup_must_belong_to_the_group():
    errors = errors_of(unsaved_certificate(group=ProductGroup.BEVERAGES, subgroup="processed_food"))
    assert list(errors) == ["subgroup"]
    unsaved_certificate(group=ProductGroup.BEVERAGES, subgroup="alcoholic").full_clean()


def test_validity_cannot_end_before_it_starts():
    errors = errors_of(unsaved_certificate(valid_until=date(2025, 9, 14)))
    assert list(errors) == ["valid_until"]
    # A certificate valid for one day is a valid certificate.
    unsaved_certificate(valid_until=date(2025, 9, 15)).full_clean()


def test_validity_cannot_start_before_the_decision():
    errors = errors_of(unsaved_certificate(valid_from=date(2025, 9, 14)))
    assert list(errors) == ["valid_from"]


@pytest.mark.parametrize(
    ("valid_from", "valid_until"),
    [
        (date(2025, 9, 15), date(2028, 9, 14)),
        (date(2025, 1, 1), date(2027, 12, 31)),
        (date(2025, 3, 1), date(2028, 2, 29)),  # 2028 is a leap year: the period keeps its last day
        (date(2024, 2, 29), date(2027, 2, 28)),  # no 29 February in 2027: ends on the last day of February
        (date(2024, 1, 31), date(2027, 1, 30)),
    ],
)
def test_default_validity_is_36_months_both_ends_included(valid_from, valid_until):
    assert default_valid_until(valid_from) == valid_until


def test_saving_without_an_end_sets_the_default_validity():
    certificate = unsaved_certificate()
    certificate.save()
    certificate.refresh_from_db()
    assert certificate.valid_until == date(2028, 9, 14)


def test_an_end_given_explicitly_is_kept():
    certificate = CertificateFactory(valid_from=date(2025, 9, 15), decision_date=date(2025, 9, 15))
    certificate.valid_until = date(2026, 12, 31)
    certificate.save()
    certificate.refresh_from_db()
    assert certificate.valid_until == date(2026, 12, 31)


def test_validity_includes_its_first_and_last_day():
    certificate = CertificateFactory(
        decision_date=date(2025, 1, 10), valid_from=date(2025, 1, 10), valid_until=date(2025, 6, 30)
    )
    assert not certificate.is_valid_on(date(2025, 1, 9))
    assert certificate.is_valid_on(date(2025, 1, 10))
    assert certificate.is_valid_on(date(2025, 6, 30))
    assert not certificate.is_valid_on(date(2025, 7, 1))
    assert certificate.days_left(date(2025, 6, 20)) == 10


def test_for_sale_needs_three_stars_or_more():
    three = CertificateFactory(stars=3)
    two = CertificateFactory(stars=2)
    assert three.is_for_sale and three.is_valid
    assert two.is_valid and not two.is_for_sale
    assert list(OcopCertificate.objects.for_sale_on(today())) == [three]
