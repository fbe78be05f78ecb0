from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shop.partner.prices import VndPriceField


@pytest.mark.parametrize(
    "typed",
    ["250000", "250.000", "250,000", "250 000", "250\xa0000 ₫", "250000đ", "250.000 VND", "250.000 đồng", "₫250000"],
)
def test_prices_written_the_vietnamese_way_are_read_as_whole_dong(typed):
    assert VndPriceField().clean(typed) == Decimal("250000")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("12.5", "not_whole"),
        ("1,50", "invalid"),
        ("12.50", "not_whole"),
        ("0", "not_positive"),
        ("-5000", "not_positive"),
        ("abc", "invalid"),
        ("250.00.0", "invalid"),
        ("99999999999", "too_high"),
    ],
)
def test_decimals_and_other_bad_prices_are_refused(typed, code):
    with pytest.raises(ValidationError) as refusal:
        VndPriceField().clean(typed)
    assert refusal.value.error_list[0].code == code
