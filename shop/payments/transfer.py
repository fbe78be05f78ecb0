"""The bank transfer a buyer makes for a VietQR payment: the shop's account, the amount, the note.

``transfer_payload(payment)`` is the text of the QR code (shop.payments.vietqr): the account of the
settings' VIETQR_BANK_BIN / VIETQR_ACCOUNT_NUMBER, the payment's amount and its transfer note, by
which the transfer is matched to the order. ``transfer_details(payment)`` is everything the buyer's
page shows beside the code.
"""

import base64
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from shop.payments.vietqr import VietQRTransfer, qr_png, qr_svg

#: The banks' NAPAS BINs (the first 6 digits VietQR names a bank by) and their short names.
BANK_NAMES = {
    "970405": "Agribank",
    "970409": "Bac A Bank",
    "970412": "PVcomBank",
    "970403": "Sacombank",
    "970407": "Techcombank",
    "970415": "VietinBank",
    "970416": "ACB",
    "970418": "BIDV",
    "970419": "NCB",
    "970422": "MB Bank",
    "970423": "TPBank",
    "970425": "ABBANK",
    "970426": "MSB",
    "970428": "Nam A Bank",
    "970431": "Eximbank",
    "970432": "VPBank",
    "970436": "Vietcombank",
    "970437": "HDBank",
    "970440": "SeABank",
    "970441": "VIB",
    "970443": "SHB",
    "970448": "OCB",
    "970449": "LPBank",
    "970454": "Bản Việt (BVBank)",
}


def bank_name(bank_bin):
    """The bank's short name for a NAPAS BIN, or "" when the table does not know it."""
    return BANK_NAMES.get(str(bank_bin).strip(), "")


def transfer_for(payment):
    """The VietQRTransfer the buyer makes for ``payment``. VietQRError when the settings' account is not usable."""
    return VietQRTransfer(
        bank_bin=settings.VIETQR_BANK_BIN,
        account=settings.VIETQR_ACCOUNT_NUMBER,
        amount=int(payment.amount),
        note=payment.transfer_note,
    )


def transfer_payload(payment):
    """The text of the VietQR code of ``payment``."""
    return transfer_for(payment).payload()


@dataclass(frozen=True)
class TransferDetails:
    bank_bin: str
    bank_name: str
    account: str
    holder: str
    amount: Decimal
    note: str
    pay_by: datetime | None
    payload: str
    svg: str
    png_data_uri: str
    filename: str


def transfer_details(payment):
    """What the buyer needs to make the transfer of ``payment``: the QR code (inline SVG, and a PNG as a
    data: URI to download), the bank, account and holder, the amount, the note to type and the deadline."""
    transfer = transfer_for(payment)
    payload = transfer.payload()
    png = base64.b64encode(qr_png(payload)).decode("ascii")
    return TransferDetails(
        bank_bin=transfer.bank_bin,
        bank_name=bank_name(transfer.bank_bin),
        account=transfer.account,
        holder=settings.VIETQR_ACCOUNT_NAME,
        amount=Decimal(transfer.amount),
        note=transfer.note,
        pay_by=payment.pay_by,
        payload=payload,
        svg=qr_svg(payload, title=_("VietQR code of the bank transfer")),
        png_data_uri=f"data:image/png;base64,{png}",
        filename=f"vietqr-{transfer.note.replace(' ', '-').lower()}.png",
    )
