"""Print files and counterfeit reports for the stamp pages' tests."""

from django.core.files.base import ContentFile

from shop.stamps.models import CounterfeitReport, StampBatch
from tests.factories import HA_TINH

PDF_BYTES = b"%PDF-1.4 test file\n%%EOF\n"
ZIP_BYTES = b"PK\x05\x06" + b"\x00" * 18


def use_private_folder(monkeypatch, folder):
    """Send the private storage of print files and report photos to ``folder`` for one test."""
    for field in (
        StampBatch._meta.get_field("pdf_file"),
        StampBatch._meta.get_field("zip_file"),
        CounterfeitReport._meta.get_field("photo"),
    ):
        # FileSystemStorage reads its folder once, into these cached properties.
        monkeypatch.setitem(field.storage.__dict__, "base_location", str(folder))
        monkeypatch.setitem(field.storage.__dict__, "location", str(folder))
    return folder


def with_print_files(batch, pdf=PDF_BYTES, archive=ZIP_BYTES):
    """The batch with print files of the given bytes, as printing.store_print_files would leave it."""
    batch.pdf_file.save(f"stamps/{batch.pk}/test.pdf", ContentFile(pdf), save=False)
    batch.zip_file.save(f"stamps/{batch.pk}/test.zip", ContentFile(archive), save=False)
    batch.status = StampBatch.Status.READY
    batch.save(update_fields=["pdf_file", "zip_file", "status"])
    return batch


def report(province_code=HA_TINH, stamp=None, **fields):
    """A buyer's counterfeit report made in ``province_code``, about ``stamp`` if given."""
    fields.setdefault("place", "Chợ Hà Tĩnh, quầy số 12")
    fields.setdefault("description", "Tem in mờ, mã QR không quét được")
    if stamp is not None:
        fields.setdefault("code", stamp.code)
    return CounterfeitReport.objects.create(province_code=province_code, stamp=stamp, **fields)


def vi(message, **params):
    """``message`` as a Vietnamese visitor reads it (the site's language), with ``params`` filled in."""
    from django.utils import translation

    with translation.override("vi"):
        text = translation.gettext(message)
    return text % params if params else text
