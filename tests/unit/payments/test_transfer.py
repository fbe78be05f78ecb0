"""The VietQR transfer of a payment: the shop's account, the payment's amount and note, in the code and beside it."""

import re
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from shop.payments.transfer import bank_name, transfer_details, transfer_payload
from shop.payments.vietqr import parse_payload


@pytest.fixture
def payment(settings):
    settings.VIETQR_BANK_BIN = "970418"
    settings.VIETQR_ACCOUNT_NUMBER = "2141 0000 12345"
    settings.VIETQR_ACCOUNT_NAME = "SO CONG THUONG HA TINH"
    return SimpleNamespace(
        pk=1,
        amount=Decimal("1285000"),
        transfer_note="OCOP 100042",
        pay_by=datetime(2026, 3, 5, 2, 15, tzinfo=ZoneInfo("UTC")),
    )


def test_the_payload_holds_the_settings_account_and_the_payments_amount_and_note(payment):
    transfer = parse_payload(transfer_payload(payment))
    assert (transfer.bank_bin, transfer.account) == ("970418", "2141000012345")
    assert (transfer.amount, transfer.note) == (1285000, "OCOP 100042")


def test_the_bank_is_named_by_its_bin():
    assert bank_name("970436") == "Vietcombank"
    assert bank_name("970418") == "BIDV"
    assert bank_name("999999") == ""


def test_the_partial_shows_the_code_the_details_and_the_deadline_in_vietnam_time(payment):
    with translation.override("en"):
        html = render_to_string("payments/partials/vietqr_transfer.html", {"payment": payment})
    payload = re.search(r'data-payload="([^"]+)"', html).group(1)
    transfer = parse_payload(payload)
    assert (transfer.amount, transfer.note) == (1285000, "OCOP 100042")
    assert "<svg" in html and 'class="vietqr"' in html
    assert "BIDV" in html and "2141000012345" in html and "SO CONG THUONG HA TINH" in html
    assert "1.285.000\xa0₫" in html
    assert "09:15, 05/03/2026" in html  # 02:15 UTC is 09:15 in Hà Nội
    assert 'href="data:image/png;base64,' in html


def test_an_unusable_account_setting_shows_a_notice_not_an_error(payment, settings):
    settings.VIETQR_BANK_BIN = "12"
    with translation.override("en"):
        html = render_to_string("payments/partials/vietqr_transfer.html", {"payment": payment})
    assert 'id="vietqr_unavailable"' in html and "<svg" not in html


def test_details_give_a_file_name_for_the_png(payment):
    assert transfer_details(payment).filename == "vietqr-ocop-100042.png"
