"""VietQR: the QR payload of a bank transfer through NAPAS 247, and its QR code.

A buyer's banking app scans the code and fills in the transfer: the beneficiary's bank (its
NAPAS BIN), account or card number, the amount in VND and the note. The payload is EMVCo's
Merchant-Presented Mode as NAPAS profiles it ("Technical specifications on NAPAS QR switching,
Part IV: QR code format", version 1.5.2): data objects written as tag (2 digits), length
(2 digits) and value, the NAPAS account template in tag 38, and a CRC-16 at the end.

Everything here is made locally: no request to VietQR's or a bank's API.
"""

import binascii
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import segno
from django.utils.translation import gettext as _

# Root data objects.
PAYLOAD_FORMAT_INDICATOR = "00"
POINT_OF_INITIATION = "01"
MERCHANT_ACCOUNT = "38"  # the tag NAPAS allocated to VietQR
CURRENCY = "53"
AMOUNT = "54"
COUNTRY = "58"
ADDITIONAL_DATA = "62"
CRC = "63"
# Inside MERCHANT_ACCOUNT.
GUID = "00"
BENEFICIARY = "01"
SERVICE = "02"
# Inside BENEFICIARY.
BANK_BIN = "00"
ACCOUNT = "01"
# Inside ADDITIONAL_DATA.
PURPOSE = "08"

PAYLOAD_FORMAT = "01"
STATIC = "11"  # a code for any number of transfers; the payer types the amount
DYNAMIC = "12"  # a code for one transfer, with its amount
NAPAS_GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"
TO_CARD = "QRIBFTTC"
VND = "704"
VIETNAM = "VN"

MAX_VALUE_LENGTH = 99
MAX_ACCOUNT_LENGTH = 19
MAX_AMOUNT_LENGTH = 13
MAX_NOTE_LENGTH = 25

BIN_FORMAT = re.compile(r"[0-9]{6}")
ACCOUNT_FORMAT = re.compile(rf"[0-9A-Za-z]{{1,{MAX_ACCOUNT_LENGTH}}}")
CARD_FORMAT = re.compile(rf"[0-9]{{1,{MAX_ACCOUNT_LENGTH}}}")
FIELD_HEAD = re.compile(r"[0-9]{4}")
# Banks pass only letters, digits and spaces of a transfer's note on reliably (some apps refuse
# the rest, some drop it), and the order reference must reach the bank statement intact.
NOT_IN_A_NOTE = re.compile(r"[^0-9A-Za-z]+")

ERROR_CORRECTION = "m"
QUIET_ZONE = 4  # light modules around the symbol, as ISO/IEC 18004 asks


class VietQRError(ValueError):
    """A transfer that cannot be put in a VietQR payload; the message says why, in the active language."""


class InvalidPayload(VietQRError):
    """A payload that is not a well-formed VietQR bank transfer."""


def crc16(data):
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR) of
    ``data``, the checksum EMVCo asks for: binascii's CRC-CCITT started from 0xFFFF."""
    return binascii.crc_hqx(data, 0xFFFF)


def tlv(tag, value):
    """The data object ``tag`` holding ``value``: tag, two-digit length, value."""
    if not 1 <= len(value) <= MAX_VALUE_LENGTH:
        raise VietQRError(_("A VietQR field holds 1 to 99 characters."))
    return f"{tag}{len(value):02d}{value}"


def with_crc(data):
    """``data`` followed by its CRC data object, whose tag and length the checksum covers."""
    data += f"{CRC}04"
    return f"{data}{crc16(data.encode('ascii')):04X}"


def clean_note(text):
    """``text`` as a transfer note: without diacritics ("đ" as "d"), anything but ASCII letters and
    digits a single space, cut to the 25 characters the purpose of transaction may hold."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return NOT_IN_A_NOTE.sub(" ", stripped).strip()[:MAX_NOTE_LENGTH].rstrip()


def _bank_bin(value):
    value = str(value).strip()
    if not BIN_FORMAT.fullmatch(value):
        raise VietQRError(_("The bank BIN is the bank's 6-digit NAPAS code."))
    return value


def _account(value, to_card):
    value = "".join(str(value or "").split())  # as copied from a banking app: "1023 456 789"
    if not value:
        raise VietQRError(_("Enter the card number.") if to_card else _("Enter the account number."))
    if to_card and not CARD_FORMAT.fullmatch(value):
        raise VietQRError(_("A card number is 1 to 19 digits."))
    if not ACCOUNT_FORMAT.fullmatch(value):
        raise VietQRError(_("An account number is 1 to 19 letters and digits."))
    return value


def _amount(value):
    if value is None:
        return None
    whole = isinstance(value, int) and not isinstance(value, bool)
    whole = whole or (isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value())
    if not whole:
        raise VietQRError(_("The amount must be a whole number of dong."))
    value = int(value)
    if value <= 0:
        raise VietQRError(_("The amount must be more than 0 ₫."))
    if len(str(value)) > MAX_AMOUNT_LENGTH:
        raise VietQRError(_("The amount can have at most %(digits)d digits.") % {"digits": MAX_AMOUNT_LENGTH})
    return value


@dataclass(frozen=True)
class VietQRTransfer:
    """A bank transfer to ``account`` (a card number when ``to_card``) at the bank of NAPAS BIN
    ``bank_bin``, of ``amount`` VND (None: the payer types it), with ``note`` as its content.

    The values are checked and normalised when the transfer is made (VietQRError says what is
    wrong): spaces left out of the BIN and the account, the amount an int, the note cleaned by
    clean_note(), so the fields hold exactly what the payload holds.
    """

    bank_bin: str
    account: str
    amount: int | None = None
    note: str = ""
    to_card: bool = False

    def __post_init__(self):
        object.__setattr__(self, "bank_bin", _bank_bin(self.bank_bin))
        object.__setattr__(self, "account", _account(self.account, self.to_card))
        object.__setattr__(self, "amount", _amount(self.amount))
        object.__setattr__(self, "note", clean_note(self.note))

    @property
    def service_code(self):
        return TO_CARD if self.to_card else TO_ACCOUNT

    @property
    def point_of_initiation(self):
        return STATIC if self.amount is None else DYNAMIC

    def payload(self):
        """The text of the QR code."""
        beneficiary = tlv(BANK_BIN, self.bank_bin) + tlv(ACCOUNT, self.account)
        merchant_account = tlv(GUID, NAPAS_GUID) + tlv(BENEFICIARY, beneficiary) + tlv(SERVICE, self.service_code)
        data = [
            tlv(PAYLOAD_FORMAT_INDICATOR, PAYLOAD_FORMAT),
            tlv(POINT_OF_INITIATION, self.point_of_initiation),
            tlv(MERCHANT_ACCOUNT, merchant_account),
            tlv(CURRENCY, VND),
        ]
        if self.amount is not None:
            data.append(tlv(AMOUNT, str(self.amount)))
        data.append(tlv(COUNTRY, VIETNAM))
        if self.note:
            data.append(tlv(ADDITIONAL_DATA, tlv(PURPOSE, self.note)))
        return with_crc("".join(data))


def decode_fields(data):
    """The data objects of ``data``, tag to value in their order (a template's value is left as it
    is: decode it in turn). InvalidPayload when ``data`` is not a run of data objects."""
    fields = {}
    position = 0
    while position < len(data):
        head = data[position : position + 4]
        length = int(head[2:]) if FIELD_HEAD.fullmatch(head) else 0
        value = data[position + 4 : position + 4 + length]
        if not length or len(value) != length or head[:2] in fields:
            raise InvalidPayload(_("The QR payload is not a sequence of tag, length and value fields."))
        fields[head[:2]] = value
        position += 4 + length
    return fields


def parse_payload(payload):
    """The VietQRTransfer of a VietQR ``payload``, its checksum verified. InvalidPayload when it is
    not a well-formed VietQR bank transfer in VND. The note comes back as clean_note() leaves it;
    data objects a transfer does not use (a merchant category, a bill number...) are not looked at:
    decode_fields() gives them all."""
    fields = decode_fields(payload)
    if next(reversed(fields), None) != CRC or len(fields[CRC]) != 4:
        raise InvalidPayload(_("The QR payload does not end with its checksum."))
    if fields[CRC].upper() != f"{crc16(payload[:-4].encode('utf-8')):04X}":
        raise InvalidPayload(_("The checksum of the QR payload is wrong."))
    merchant_account = decode_fields(fields.get(MERCHANT_ACCOUNT, ""))
    beneficiary = decode_fields(merchant_account.get(BENEFICIARY, ""))
    service = merchant_account.get(SERVICE)
    if (
        fields.get(PAYLOAD_FORMAT_INDICATOR) != PAYLOAD_FORMAT
        or fields.get(POINT_OF_INITIATION, STATIC) not in (STATIC, DYNAMIC)
        or merchant_account.get(GUID) != NAPAS_GUID
        or service not in (TO_ACCOUNT, TO_CARD)
        or fields.get(COUNTRY) != VIETNAM
    ):
        raise InvalidPayload(_("This QR payload is not a VietQR bank transfer."))
    if fields.get(CURRENCY) != VND:
        raise InvalidPayload(_("The QR payload is not a transfer in Vietnamese dong."))
    amount = fields.get(AMOUNT)
    if amount is not None and not (amount.isascii() and amount.isdigit()):
        raise InvalidPayload(_("The amount must be a whole number of dong."))
    note = decode_fields(fields[ADDITIONAL_DATA]).get(PURPOSE, "") if ADDITIONAL_DATA in fields else ""
    try:
        return VietQRTransfer(
            bank_bin=beneficiary.get(BANK_BIN, ""),
            account=beneficiary.get(ACCOUNT, ""),
            amount=None if amount is None else int(amount),
            note=note,
            to_card=service == TO_CARD,
        )
    except VietQRError as error:
        raise InvalidPayload(*error.args) from error


def qr_code(payload):
    """The QR symbol of ``payload`` (a segno QRCode), error correction level M."""
    return segno.make(payload, error=ERROR_CORRECTION, micro=False, boost_error=False)


def qr_svg(payload, title=None):
    """The QR code of ``payload`` as an <svg> element to put inline in a page: no XML declaration,
    a viewBox and no width or height, so the page's CSS gives it its size."""
    buffer = io.BytesIO()
    qr_code(payload).save(
        buffer,
        kind="svg",
        border=QUIET_ZONE,
        xmldecl=False,
        omitsize=True,
        nl=False,
        svgclass="vietqr",
        title=title,
    )
    return buffer.getvalue().decode("utf-8")


def qr_png(payload, scale=8):
    """The QR code of ``payload`` as a PNG image, ``scale`` pixels a module."""
    buffer = io.BytesIO()
    qr_code(payload).save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return buffer.getvalue()
