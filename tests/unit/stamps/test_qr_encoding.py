"""The stamps' QR encoder (shop.stamps.printing.QrEncoder) makes exactly the symbols segno makes."""

import random

import pytest
import segno
from segno import encoder as segno_encoder

from shop.stamps import printing
from shop.stamps.codes import CODE_ALPHABET, new_code

PREFIXES = [
    "http://127.0.0.1:8000/t/",
    "https://ocop.hatinh.gov.vn/t/",
    "https://cho-ocop.so-nong-nghiep-va-moi-truong.example.vn/truy-xuat/t/",
]


@pytest.fixture(scope="module", params=PREFIXES)
def encoder(request):
    return printing.encoder_for(request.param, "")


def segno_symbol(encoder, code, mask=None):
    return segno.make(encoder.url(code), error="m", mode="byte", mask=mask, micro=False, boost_error=False)


def naive_n3(matrix):
    """40 points for each dark-light-dark-dark-dark-light-dark run in a row or column with four light
    modules (outside the symbol counts as light) before or after it, counted one by one."""
    size = len(matrix)
    lines = [list(row) for row in matrix] + [[matrix[y][x] for y in range(size)] for x in range(size)]
    score = 0
    for line in lines:
        padded = [0] * 4 + line + [0] * 4
        for start in range(4, 4 + size - 6):
            if padded[start : start + 7] == [1, 0, 1, 1, 1, 0, 1] and (
                not any(padded[start - 4 : start]) or not any(padded[start + 7 : start + 11])
            ):
                score += 40
    return score


def test_symbols_are_segnos_with_the_mask_of_lowest_penalty(encoder):
    rng = random.Random(42)
    for _ in range(40):
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(16))
        mask, bits = encoder.symbol_bits(code)
        penalties = []
        for candidate in range(8):
            symbol = segno_symbol(encoder, code, mask=candidate)
            penalties.append(encoder.penalty(encoder._bits(symbol.matrix)))
            if candidate == mask:
                assert bits == encoder._bits(symbol.matrix)
        assert penalties[mask] == min(penalties)


def test_the_penalty_follows_iso_18004(encoder):
    """N1, N2 and N4 as segno counts them; N3 counted occurrence by occurrence."""
    for _ in range(10):
        code = new_code()
        for mask in range(8):
            symbol = segno_symbol(encoder, code, mask=mask)
            n1, n2, _n3, n4 = segno_encoder.mask_scores(
                [bytearray(row) for row in symbol.matrix], *symbol.symbol_size(border=0)
            )
            assert encoder.penalty(encoder._bits(symbol.matrix)) == n1 + n2 + n4 + naive_n3(symbol.matrix)


def test_every_character_at_every_place_encodes_as_segno_does(encoder):
    base = new_code()
    for at in range(16):
        for char in CODE_ALPHABET:
            code = base[:at] + char + base[at + 1 :]
            mask, bits = encoder.symbol_bits(code)
            assert bits == encoder._bits(segno_symbol(encoder, code, mask=mask).matrix)


def test_a_code_that_is_not_a_stamp_code_is_left_to_segno(encoder):
    for code in ("ABCDEFGHIJKLMNOP", "abcdefghijklmno1"):  # 16 characters, not all of the alphabet
        mask, bits = encoder.symbol_bits(code)
        symbol = segno_symbol(encoder, code)
        assert (mask, bits) == (symbol.mask, encoder._bits(symbol.matrix))
    with pytest.raises(ValueError):
        encoder.symbol_bits("a" * 200)  # a larger symbol than the batch's


def test_the_grid_has_the_quiet_zone_and_the_runs_cover_exactly_the_dark_modules(encoder):
    code = new_code()
    grid = encoder.grid(code)
    stride = encoder.stride
    assert len(grid) == stride * stride
    symbol = segno_symbol(encoder, code, mask=encoder.symbol_bits(code)[0])
    expected = "".join(
        "".join(str(int(bool(v))) for v in row) for row in symbol.matrix_iter(border=printing.QUIET_ZONE)
    )
    assert grid == expected
    covered = [0] * (stride * stride)
    for start, end in printing.dark_runs(grid):
        assert start // stride == (end - 1) // stride  # within a row
        for offset in range(start, end):
            covered[offset] += 1
        # Each run is a whole one, light on either side.
        assert grid[start - 1] == grid[end] == "0"
    assert "".join(map(str, covered)) == grid  # every dark module once, no light one
