"""The pieces of the checkout's choice of delivery or pickup that need no request."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from shop.checkout.forms import vietnamese_phone
from shop.checkout.options import GroupChoice, booth_day_value, distance_km, parse_booth_day


def test_distance_between_ha_tinh_and_ha_noi():
    # Hà Tĩnh city to Hoàn Kiếm lake: about 300 km as the crow flies.
    assert 295 < distance_km(18.3421, 105.9057, 21.0285, 105.8542) < 305
    assert distance_km(18.3421, 105.9057, 18.3421, 105.9057) == 0


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912 345 678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("0239 3855 555", "+842393855555"),  # a Hà Tĩnh landline
        ("0865 123 456", "+84865123456"),
    ],
)
def test_vietnamese_phone_numbers_are_stored_in_e164(typed, stored):
    assert vietnamese_phone(typed) == stored


@pytest.mark.parametrize("typed", ["", "12345", "0912 345", "+44 20 7946 0958", "+1 202 555 0143", "abc"])
def test_other_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        vietnamese_phone(typed)


def test_booth_and_day_go_through_the_form_and_back():
    value = booth_day_value(12, date(2026, 12, 12))
    assert value == "12:2026-12-12"
    assert parse_booth_day(value) == (12, date(2026, 12, 12))


@pytest.mark.parametrize("posted", ["", None, "12", "x:2026-12-12", "12:2026-13-40", "12:"])
def test_a_mangled_booth_and_day_is_none(posted):
    assert parse_booth_day(posted) is None


def test_a_choice_survives_the_session():
    choice = GroupChoice(producer_id=3, method="fair_pickup", booth_id=7, pickup_on="2026-12-12")
    assert GroupChoice.from_session(choice.to_session()) == choice
