"""The VietQR payload of a bank transfer: published examples, validation, parsing, the QR code."""

import random
import re
from decimal import Decimal
from xml.etree import ElementTree

import cv2
import numpy
import pytest
from django.utils import translation

from shop.payments import vietqr
from shop.payments.vietqr import InvalidPayload, VietQRError, VietQRTransfer, parse_payload

# Payloads published with the transfer they encode, in the READMEs and tests of open-source VietQR
# libraries. Each is (payload, the transfer's fields as given to the library); the id names the source.
SUBIZ_README = "github.com/subiz/vietqr, README.md"
SUBIZ_TESTS = "github.com/subiz/vietqr, vietqr_test.go"
DYNAMIC_VIETQR = "github.com/jocelynTV/dynamic-vietqr, README.md (npm package dynamic-vietqr)"
VIETNAM_QR_PAY = "github.com/xuannghia/vietnam-qr-pay, README.md (npm package vietnam-qr-pay)"
PUBLISHED_EXAMPLES = [
    pytest.param(
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
        "530370454061200005802VN62170813ung ho lu lut6304C15C",
        {"bank_bin": "970415", "account": "0011001932418", "amount": 120000, "note": "ủng hộ lũ lụt"},
        id=SUBIZ_README,
    ),
    pytest.param(
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4",
        {"bank_bin": "970423", "account": "0099999999"},
        id=f"{SUBIZ_TESTS}: static",
    ),
    pytest.param(
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "53037045405401235802VN62160812chuyen khoan6304722F",
        {"bank_bin": "970422", "account": "0023457923442", "amount": 40123, "note": "chuyển khoản"},
        id=f"{SUBIZ_TESTS}: note with diacritics",
    ),
    pytest.param(
        "00020101021238630010A0000007270133000697042201190023457923442ASDFLJ0208QRIBFTTA"
        "53037045405401235802VN62290825chuyen khoan alsdkf laksj6304E5DB",
        {
            "bank_bin": "970422",
            "account": "0023457923442ASDFLJ",
            "amount": 40123,
            "note": "chuyen khoan alsdkf laksjdflk asjdflja slkdalks djflkasjd fajsldk jalskdfj lkasjdflk ajslkfj l",
        },
        id=f"{SUBIZ_TESTS}: 19-character account, note cut to 25",
    ),
    pytest.param(
        "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
        "530370454061800005802VN62230819thanh toan don hang63045FAB",
        {"bank_bin": "970403", "account": "0011012345678", "amount": 180000, "note": "thanh toan don hang"},
        id=f"{DYNAMIC_VIETQR}: to account",
    ),
    pytest.param(
        "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTC"
        "530370454061800005802VN62230819thanh toan don hang630415C1",
        {
            "bank_bin": "970403",
            "account": "0011012345678",
            "amount": 180000,
            "note": "thanh toan don hang",
            "to_card": True,
        },
        id=f"{DYNAMIC_VIETQR}: to card",
    ),
    pytest.param(
        "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F",
        {"bank_bin": "970403", "account": "0011012345678"},
        id=f"{DYNAMIC_VIETQR}: static to account",
    ),
    pytest.param(
        "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTC53037045802VN63046E2C",
        {"bank_bin": "970403", "account": "0011012345678", "to_card": True},
        id=f"{DYNAMIC_VIETQR}: static to card",
    ),
    pytest.param(
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "53037045405100005802VN62150811Chuyen tien630453E6",
        {"bank_bin": "970416", "account": "257678859", "amount": 10000, "note": "Chuyen tien"},
        id=f"{VIETNAM_QR_PAY}: dynamic",
    ),
    pytest.param(
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "5303704540410005802VN62150811Chuyen tien6304BBB8",
        {"bank_bin": "970416", "account": "257678859", "amount": 1000, "note": "Chuyen tien"},
        id=f"{VIETNAM_QR_PAY}: decode example",
    ),
    pytest.param(
        "00020101021138620010A00000072701320006970454011899ZP24009M072482670208QRIBFTTA53037045802VN6304073C",
        {"bank_bin": "970454", "account": "99ZP24009M07248267"},
        id=f"{VIETNAM_QR_PAY}: ZaloPay, letters in the account",
    ),
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_crc16_is_ccitt_false():
    assert vietqr.crc16(b"123456789") == 0x29B1  # the catalogued check value of CRC-16/CCITT-FALSE
    assert vietqr.crc16(b"") == 0xFFFF


@pytest.mark.parametrize(("payload", "fields"), PUBLISHED_EXAMPLES)
def test_published_payloads_are_built_from_their_fields(payload, fields):
    assert VietQRTransfer(**fields).payload() == payload


@pytest.mark.parametrize(("payload", "fields"), PUBLISHED_EXAMPLES)
def test_published_payloads_are_parsed_into_their_transfer(payload, fields):
    transfer = parse_payload(payload)
    assert transfer == VietQRTransfer(**fields)
    assert transfer.bank_bin == fields["bank_bin"]
    assert transfer.account == fields["account"]
    assert transfer.amount == fields.get("amount")
    assert transfer.to_card is fields.get("to_card", False)
    assert transfer.note == vietqr.decode_fields(vietqr.decode_fields(payload).get("62", "")).get("08", "")


def test_a_published_payload_with_more_data_objects_is_parsed():
    # MoMo's receiving code (vietnam-qr-pay's README): a reference label (62/05) and a field 80.
    transfer = parse_payload(
        "00020101021138620010A00000072701320006970454011899MM24011M348750800208QRIBFTTA"
        "53037045802VN62190515MOMOW2W3487508080030466304EBC8"
    )
    assert transfer == VietQRTransfer(bank_bin="970454", account="99MM24011M34875080")


def test_a_published_vnpay_payload_is_not_a_vietqr_transfer():
    # VNPAY-QR (vietnam-qr-pay's README): a valid EMVCo payload with VNPAY's GUID, no NAPAS account.
    payload = (
        "00020101021126280010A0000007750110010531314453037045408210900005802VN5910CELLPHONES"
        "62600312CPSHN ONLINE0517021908061613127850705ONLHN0810CellphoneS63047685"
    )
    assert vietqr.crc16(payload[:-4].encode()) == 0x7685  # refused for what it is, not for its checksum
    with pytest.raises(InvalidPayload) as error:
        parse_payload(payload)
    assert str(error.value) == "This QR payload is not a VietQR bank transfer."


def test_the_payload_is_laid_out_as_napas_specifies():
    transfer = VietQRTransfer(bank_bin="970436", account="1023456789", amount=1_943_000, note="OCOP 100245")
    payload = transfer.payload()
    fields = vietqr.decode_fields(payload)
    assert list(fields) == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    assert vietqr.decode_fields(fields["38"]) == {
        "00": "A000000727",
        "01": "000697043601101023456789",
        "02": "QRIBFTTA",
    }
    assert vietqr.decode_fields(vietqr.decode_fields(fields["38"])["01"]) == {"00": "970436", "01": "1023456789"}
    assert fields["53"] == "704"
    assert fields["54"] == "1943000"
    assert fields["58"] == "VN"
    assert vietqr.decode_fields(fields["62"]) == {"08": "OCOP 100245"}
    assert re.fullmatch("[0-9A-F]{4}", fields["63"])
    assert int(fields["63"], 16) == vietqr.crc16(payload[:-4].encode())


def test_a_transfer_without_amount_is_a_static_code_without_field_54():
    fields = vietqr.decode_fields(VietQRTransfer(bank_bin="970415", account="113366668888").payload())
    assert fields["01"] == "11"
    assert "54" not in fields
    assert "62" not in fields


@pytest.mark.parametrize("bank_bin", ["97041", "9704151", "97041A", "", "970 41", "٩٧٠٤١٥"])
def test_a_bin_is_six_digits(bank_bin):
    with pytest.raises(VietQRError) as error:
        VietQRTransfer(bank_bin=bank_bin, account="0011001932418")
    assert str(error.value) == "The bank BIN is the bank's 6-digit NAPAS code."


def test_a_bin_may_be_given_as_a_number_or_with_spaces_around():
    assert VietQRTransfer(bank_bin=970415, account="1").bank_bin == "970415"
    assert VietQRTransfer(bank_bin=" 970415 ", account="1").bank_bin == "970415"


@pytest.mark.parametrize("account", ["", "   ", None])
def test_an_account_is_required(account):
    with pytest.raises(VietQRError) as error:
        VietQRTransfer(bank_bin="970415", account=account)
    assert str(error.value) == "Enter the account number."
    with pytest.raises(VietQRError) as error:
        VietQRTransfer(bank_bin="970415", account=account, to_card=True)
    assert str(error.value) == "Enter the card number."


@pytest.mark.parametrize("account", ["1" * 20, "0011-0019-32418", "0011.001", "số001"])
def test_an_account_is_at_most_19_letters_and_digits(account):
    with pytest.raises(VietQRError) as error:
        VietQRTransfer(bank_bin="970415", account=account)
    assert str(error.value) == "An account number is 1 to 19 letters and digits."


def test_an_account_of_19_characters_and_spaces_inside_are_accepted():
    assert VietQRTransfer(bank_bin="970415", account="A" * 19).account == "A" * 19
    assert VietQRTransfer(bank_bin="970415", account=" 1023 456 789 ").account == "1023456789"


def test_a_card_number_is_digits():
    with pytest.raises(VietQRError) as error:
        VietQRTransfer(bank_bin="970403", account="99ZP24009M07248267", to_card=True)
    assert str(error.value) == "A card number is 1 to 19 digits."
    assert VietQRTransfer(bank_bin="970403", account="9704031101234567", to_card=True).service_code == "QRIBFTTC"


@pytest.mark.parametrize("amount", [0, -1, -120000, Decimal("0"), Decimal("-5")])
def test_an_amount_is_positive(amount):
    with pytest.raises(VietQRError) as error:
        VietQRTransfer(bank_bin="970415", account="1", amount=amount)
    assert str(error.value) == "The amount must be more than 0 ₫."


@pytest.mark.parametrize("amount", [1.5, 120000.0, "120000", Decimal("1.5"), Decimal("NaN"), Decimal("Infinity"), True])
def test_an_amount_is_a_whole_number_of_dong(amount):
    with pytest.raises(VietQRError) as error:
        VietQRTransfer(bank_bin="970415", account="1", amount=amount)
    assert str(error.value) == "The amount must be a whole number of dong."


def test_an_amount_has_at_most_13_digits():
    assert VietQRTransfer(bank_bin="970415", account="1", amount=10**13 - 1).amount == 9_999_999_999_999
    with pytest.raises(VietQRError) as error:
        VietQRTransfer(bank_bin="970415", account="1", amount=10**13)
    assert str(error.value) == "The amount can have at most 13 digits."


def test_an_amount_may_be_a_whole_decimal_as_oscar_prices_are():
    transfer = VietQRTransfer(bank_bin="970415", account="1", amount=Decimal("1943000.00"))
    assert transfer.amount == 1943000
    assert type(transfer.amount) is int
    assert vietqr.decode_fields(transfer.payload())["54"] == "1943000"


@pytest.mark.parametrize(
    ("note", "cleaned"),
    [
        ("Thanh toán đơn hàng", "Thanh toan don hang"),
        ("ĐƠN HÀNG Đặc sản", "DON HANG Dac san"),
        ("Mật ong rừng Hương Khê", "Mat ong rung Huong Khe"),
        ("ĐH #100245, cảm ơn!", "DH 100245 cam on"),
        ("  OCOP-100245\t\n", "OCOP 100245"),
        ("Bưởi Phúc Trạch, cam bù Hương Sơn", "Buoi Phuc Trach cam bu Hu"),
        ("đơn hàng của chị Nguyễn Thị Ánh", "don hang cua chi Nguyen T"),
        ("€ ★ …", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_the_note_is_folded_to_ascii_and_cut_to_25_characters(note, cleaned):
    transfer = VietQRTransfer(bank_bin="970415", account="1", amount=1000, note=note)
    assert transfer.note == cleaned
    assert len(transfer.note) <= 25
    assert transfer.note.isascii()
    fields = vietqr.decode_fields(transfer.payload())
    if cleaned:
        assert vietqr.decode_fields(fields["62"]) == {"08": cleaned}
    else:
        assert "62" not in fields


def test_a_note_cut_at_a_space_does_not_end_with_it():
    assert VietQRTransfer(bank_bin="970415", account="1", note="x" * 24 + " yz").note == "x" * 24


def test_a_field_holds_1_to_99_characters():
    assert vietqr.tlv("08", "a" * 99) == "0899" + "a" * 99
    assert vietqr.tlv("08", "a") == "0801a"
    for value in ("", "a" * 100):
        with pytest.raises(VietQRError) as error:
            vietqr.tlv("08", value)
        assert str(error.value) == "A VietQR field holds 1 to 99 characters."


def random_transfer(rng):
    to_card = rng.random() < 0.3
    alphabet = "0123456789" if to_card else "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return VietQRTransfer(
        bank_bin="".join(rng.choices("0123456789", k=6)),
        account="".join(rng.choices(alphabet, k=rng.randint(1, 19))),
        amount=rng.choice([None, rng.randint(1, 10 ** rng.randint(1, 13) - 1)]),
        note="".join(rng.choices("aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠĐ0123456789 #-,.", k=rng.randint(0, 40))),
        to_card=to_card,
    )


def test_built_payloads_parse_back_into_their_transfer():
    rng = random.Random(704)
    for _ in range(300):
        transfer = random_transfer(rng)
        payload = transfer.payload()
        assert payload.isascii()
        assert parse_payload(payload) == transfer


def test_a_payload_with_a_changed_character_fails_its_checksum():
    payload = VietQRTransfer(bank_bin="970415", account="0011001932418", amount=120000, note="DH 100245").payload()
    tampered = payload.replace("120000", "920000")
    with pytest.raises(InvalidPayload) as error:
        parse_payload(tampered)
    assert str(error.value) == "The checksum of the QR payload is wrong."
    wrong_crc = payload[:-4] + ("0000" if payload[-4:] != "0000" else "FFFF")
    with pytest.raises(InvalidPayload, match="checksum of the QR payload is wrong"):
        parse_payload(wrong_crc)


def test_a_lower_case_checksum_is_accepted():
    payload = VietQRTransfer(bank_bin="970422", account="0023457923442", amount=40123, note="chuyen khoan").payload()
    assert payload.endswith("722F")
    assert parse_payload(payload[:-4] + "722f").amount == 40123


@pytest.mark.parametrize(
    "payload",
    [
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB",
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4X",
        "0002010102113854",
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6300",
        "https://vietqr.net/",
    ],
)
def test_text_that_is_not_a_sequence_of_fields_is_refused(payload):
    with pytest.raises(InvalidPayload) as error:
        parse_payload(payload)
    assert str(error.value) == "The QR payload is not a sequence of tag, length and value fields."


@pytest.mark.parametrize("payload", ["", "000201", "000201010211"])
def test_a_payload_without_a_checksum_at_the_end_is_refused(payload):
    with pytest.raises(InvalidPayload) as error:
        parse_payload(payload)
    assert str(error.value) == "The QR payload does not end with its checksum."


def signed(fields):
    """A payload of ``fields`` (tag to value) with a right checksum."""
    return vietqr.with_crc("".join(vietqr.tlv(tag, value) for tag, value in fields.items()))


VALID_FIELDS = {
    "00": "01",
    "01": "12",
    "38": "0010A00000072701270006970415011300110019324180208QRIBFTTA",
    "53": "704",
    "54": "120000",
    "58": "VN",
    "62": "0813ung ho lu lut",
}


def test_signed_builds_the_published_example():
    assert signed(VALID_FIELDS) == PUBLISHED_EXAMPLES[0].values[0]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"00": "02"}, "This QR payload is not a VietQR bank transfer."),
        ({"01": "13"}, "This QR payload is not a VietQR bank transfer."),
        (
            {"38": "0010A00000072801270006970415011300110019324180208QRIBFTTA"},
            "This QR payload is not a VietQR bank transfer.",
        ),
        (
            {"38": "0010A00000072701270006970415011300110019324180208QRPUSH00"},
            "This QR payload is not a VietQR bank transfer.",
        ),
        ({"58": "SG"}, "This QR payload is not a VietQR bank transfer."),
        ({"53": "840"}, "The QR payload is not a transfer in Vietnamese dong."),
        ({"54": "120000.00"}, "The amount must be a whole number of dong."),
        ({"54": "0"}, "The amount must be more than 0 ₫."),
        (
            {"38": "0010A00000072701270006970A15011300110019324180208QRIBFTTA"},
            "The bank BIN is the bank's 6-digit NAPAS code.",
        ),
        ({"38": "0010A000000727011000069704150208QRIBFTTA"}, "Enter the account number."),
        ({"62": "08"}, "The QR payload is not a sequence of tag, length and value fields."),
    ],
)
def test_payloads_that_are_not_vietqr_transfers_are_refused(changes, message):
    with pytest.raises(InvalidPayload) as error:
        parse_payload(signed(VALID_FIELDS | changes))
    assert str(error.value) == message


def test_a_payload_without_its_napas_account_is_refused():
    fields = {tag: value for tag, value in VALID_FIELDS.items() if tag != "38"}
    with pytest.raises(InvalidPayload, match="not a VietQR bank transfer"):
        parse_payload(signed(fields))


DETECTORS = (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco())


def decode_qr(image):
    """The text of the QR code in a greyscale ``image`` as OpenCV's detectors read it, or None."""
    for detector in DETECTORS:
        text, _points, _straight = detector.detectAndDecode(image)
        if text:
            return text
    return None


LONGEST_PAYLOAD = VietQRTransfer(
    bank_bin="970422", account="0023457923442ASDFLJ", amount=9_999_999_999_999, note="don hang cua chi Nguyen T"
).payload()
QR_PAYLOADS = [param.values[0] for param in PUBLISHED_EXAMPLES[:2]] + [LONGEST_PAYLOAD]


@pytest.mark.parametrize("payload", QR_PAYLOADS)
def test_the_png_is_a_qr_code_of_the_payload(payload):
    png = vietqr.qr_png(payload)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = cv2.imdecode(numpy.frombuffer(png, numpy.uint8), cv2.IMREAD_GRAYSCALE)
    symbol = vietqr.qr_code(payload)
    assert image.shape == ((symbol.symbol_size(border=0)[0] + 8) * 8,) * 2  # 8 pixels a module, quiet zone of 4
    assert decode_qr(image) == payload
    assert parse_payload(decode_qr(image)).payload() == payload


def test_the_qr_code_has_error_correction_m_and_no_micro_symbol():
    symbol = vietqr.qr_code(LONGEST_PAYLOAD)
    assert symbol.error == "M"
    assert not symbol.is_micro
    assert symbol.designator == f"{symbol.version}-M"


SVG = "{http://www.w3.org/2000/svg}"
PATH_STEP = re.compile(r"([Mmh])(-?[0-9.]+)(?: (-?[0-9.]+))?")


def rasterize_svg(svg, scale=8):
    """segno's SVG: one path of horizontal 1-module-high strokes (M/m to a row's middle, h along it)."""
    root = ElementTree.fromstring(svg)
    size = int(root.get("viewBox").split()[2])
    image = numpy.full((size * scale, size * scale), 255, numpy.uint8)
    path = root.find(f"{SVG}path")
    assert path.get("stroke") == "#000" and path.get("transform") is None
    d = path.get("d")
    assert PATH_STEP.sub("", d) == ""
    x = y = 0.0
    for command, first, second in PATH_STEP.findall(d):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            row, start, x = int(y), int(x), x + float(first)
            image[row * scale : (row + 1) * scale, start * scale : int(x) * scale] = 0
    return image


@pytest.mark.parametrize("payload", QR_PAYLOADS)
def test_the_svg_is_a_qr_code_of_the_payload(payload):
    svg = vietqr.qr_svg(payload)
    image = rasterize_svg(svg)
    assert decode_qr(image) == payload
    symbol_size = vietqr.qr_code(payload).symbol_size(border=4)[0]
    assert image.shape == (symbol_size * 8,) * 2


def test_the_svg_goes_inline_and_takes_its_size_from_the_page():
    svg = vietqr.qr_svg(LONGEST_PAYLOAD, title='Mã "VietQR" <đơn 100245>')
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "\n" not in svg
    root = ElementTree.fromstring(svg)
    assert root.get("class") == "vietqr"
    assert root.get("width") is None and root.get("height") is None
    assert root.get("viewBox")
    assert root.find(f"{SVG}title").text == 'Mã "VietQR" <đơn 100245>'
    assert vietqr.qr_svg(LONGEST_PAYLOAD).count("<title>") == 0
