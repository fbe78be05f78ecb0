"""Stamp codes are unguessable; serials are readable and name their province."""

import base64
import math
from collections import Counter

import pytest
from vietnam_provinces import Province

from shop.stamps import codes


def test_a_code_carries_80_random_bits_in_16_url_safe_characters():
    code = codes.new_code()
    assert len(code) == codes.CODE_LENGTH == 16
    assert set(code) <= set(codes.CODE_ALPHABET)
    assert len(base64.b32decode(code.upper())) * 8 == 80
    assert codes.normalize_code(code) == code


def test_codes_are_distinct_and_evenly_spread_over_the_alphabet():
    drawn = [codes.new_code() for _ in range(20_000)]
    assert len(set(drawn)) == len(drawn)
    # Each of the 32 characters should appear 1/32 of the time at every position; with 20,000
    # codes a position sees each about 625 times (sd ≈ 24.6). A biased generator (a smaller
    # alphabet, a fixed position, a counter) lands far outside six standard deviations.
    for position in range(codes.CODE_LENGTH):
        counts = Counter(code[position] for code in drawn)
        assert set(counts) == set(codes.CODE_ALPHABET), position
        expected = len(drawn) / 32
        spread = math.sqrt(len(drawn) * (1 / 32) * (31 / 32))
        assert all(abs(count - expected) < 6 * spread for count in counts.values()), (position, counts)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("  ABCDEFGHIJKLMNOP ", "abcdefghijklmnop"),
        ("abcdefghijklmno", None),  # too short
        ("abcdefghijklmnopq", None),  # too long
        ("abcdefghijklmno1", None),  # 1 is not in the alphabet
        ("../../etc/passwd", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_code(text, expected):
    assert codes.normalize_code(text) == expected


def test_every_province_has_its_own_serial_prefix():
    provinces = {int(province.code) for province in Province.iter_all()}
    assert set(codes.PROVINCE_PREFIXES) == provinces
    prefixes = list(codes.PROVINCE_PREFIXES.values())
    assert len(set(prefixes)) == len(prefixes)


def test_serials_round_trip():
    assert codes.format_serial(42, 2026, 12345) == "HT-2026-00012345"
    assert codes.parse_serial("HT-2026-00012345") == (42, 2026, 12345)
    assert codes.parse_serial(" ht - 2026 - 12345 ") == (42, 2026, 12345)
    assert codes.parse_serial("TH-2025-1") == (38, 2025, 1)


@pytest.mark.parametrize("text", ["XX-2026-00000001", "HT-26-00000001", "HT-2026-", "HT202600000001", ""])
def test_parse_serial_refuses_what_is_not_a_serial(text):
    with pytest.raises(ValueError):
        codes.parse_serial(text)


def test_verification_url_is_absolute(settings):
    settings.SITE_URL = "https://ocop.example.vn/"
    assert codes.verification_url("abcdefghijklmnop") == "https://ocop.example.vn/t/abcdefghijklmnop"
