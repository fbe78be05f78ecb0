"""Stamp codes and serial numbers.

A stamp carries two identifiers. The serial (``HT-2026-00012345``) is printed for people
and is guessable by design. The code is what the QR code holds, in ``/t/<code>``: 80 random
bits written in lower-case base32 (16 characters of ``a``–``z`` and ``2``–``7``), so that
nobody can make up a code that verifies.
"""

import base64
import re
import secrets

from django.conf import settings
from django.urls import reverse

CODE_BYTES = 10  # 80 bits
CODE_LENGTH = 16  # base32: 5 bits a character
CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
CODE_RE = re.compile(r"^[a-z2-7]{16}$")

# Short letters for each of the 34 provinces (codes of vietnam-provinces), unique so that a
# printed serial names its province without doubt.
PROVINCE_PREFIXES = {
    1: "HN",  # Hà Nội
    4: "CB",  # Cao Bằng
    8: "TQ",  # Tuyên Quang
    11: "DB",  # Điện Biên
    12: "LCH",  # Lai Châu
    14: "SL",  # Sơn La
    15: "LCA",  # Lào Cai
    19: "TNG",  # Thái Nguyên
    20: "LS",  # Lạng Sơn
    22: "QNI",  # Quảng Ninh
    24: "BN",  # Bắc Ninh
    25: "PT",  # Phú Thọ
    31: "HP",  # Hải Phòng
    33: "HY",  # Hưng Yên
    37: "NB",  # Ninh Bình
    38: "TH",  # Thanh Hóa
    40: "NA",  # Nghệ An
    42: "HT",  # Hà Tĩnh
    44: "QT",  # Quảng Trị
    46: "HUE",  # Huế
    48: "DNG",  # Đà Nẵng
    51: "QNG",  # Quảng Ngãi
    52: "GL",  # Gia Lai
    56: "KH",  # Khánh Hòa
    66: "DL",  # Đắk Lắk
    68: "LD",  # Lâm Đồng
    75: "DNA",  # Đồng Nai
    79: "HCM",  # Hồ Chí Minh
    80: "TNI",  # Tây Ninh
    82: "DT",  # Đồng Tháp
    86: "VL",  # Vĩnh Long
    91: "AG",  # An Giang
    92: "CT",  # Cần Thơ
    96: "CM",  # Cà Mau
}
SERIAL_DIGITS = 8
SERIAL_RE = re.compile(r"^\s*([A-Za-z]{2,3})\s*-\s*(\d{4})\s*-\s*(\d{1,8})\s*$")


def new_code():
    """A fresh stamp code: 80 bits from the operating system's CSPRNG."""
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").lower()


def normalize_code(text):
    """The code as stored, from what a scanner or a person gave (case and surrounding spaces ignored);
    None when it cannot be a stamp code at all."""
    code = (text or "").strip().lower()
    return code if CODE_RE.match(code) else None


def serial_prefix(province_code, year):
    return f"{PROVINCE_PREFIXES[province_code]}-{year}"


def format_serial(province_code, year, number):
    return f"{serial_prefix(province_code, year)}-{number:0{SERIAL_DIGITS}d}"


def parse_serial(text):
    """(province code, year, number) of a printed serial such as ``HT-2026-00012345``.

    Raises ValueError when the text is not a serial of a known province.
    """
    match = SERIAL_RE.match(text or "")
    if not match:
        raise ValueError(text)
    prefix, year, number = match.group(1).upper(), int(match.group(2)), int(match.group(3))
    for province_code, known in PROVINCE_PREFIXES.items():
        if known == prefix:
            return province_code, year, number
    raise ValueError(text)


def verification_url(code):
    """The absolute address a stamp's QR code holds: ``<SITE_URL>/t/<code>``."""
    return settings.SITE_URL.rstrip("/") + reverse("stamps:verify", kwargs={"code": code})
