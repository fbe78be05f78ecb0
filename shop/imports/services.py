"""Bulk import of a producer's products and stock: preview each row's outcome, then apply the good rows.

Each row of a sheet is checked against the producer's own data only, and comes out as one of

- ``update``: the SKU is one of the producer's stock records; price and stock change at once,
  packaging and description go to the listing review;
- ``create``: the SKU is new and the certificate number is one of the producer's certificates that
  allow a sale today; the product is created hidden, pending its first review;
- ``unchanged``: the SKU is the producer's and the row changes nothing;
- ``error``: with the reasons, each a column and a message.

Applying checks every row again (the data may have moved since the preview) and applies each good
row in a transaction of its own, so that a row is applied entirely or not at all, and the import
once only.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from catalog import listings
from catalog.models import ListingRevision, OcopCertificate, Product
from catalog.richtext import clean_rich_text
from shop.imports import spreadsheets
from shop.imports.models import ProductImport
from shop.imports.spreadsheets import CellError
from shop.partner import stock

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
ERROR = "error"

# What happened to a row when the import was applied.
APPLIED = "applied"
FAILED = "failed"
SKIPPED = "skipped"  # nothing to do: the row changed nothing

MAX_SKU_LENGTH = StockRecord._meta.get_field("partner_sku").max_length
MAX_PACKAGING_LENGTH = Product._meta.get_field("packaging").max_length
MAX_DESCRIPTION_LENGTH = 20_000

ERROR_MESSAGES = {
    "missing": gettext_lazy("This cell is empty; the row needs a value here."),
    "missing_certificate": gettext_lazy(
        "None of your products has this SKU. To add a new product, give the number of its OCOP certificate."
    ),
    "unknown_certificate": gettext_lazy("No OCOP certificate has this number."),
    "foreign_certificate": gettext_lazy("This certificate is not one of yours."),
    "certificate_not_for_sale": gettext_lazy(
        "This certificate does not allow a sale today: it is not in force, or its product has fewer than 3 stars."
    ),
    "foreign_sku": gettext_lazy("This SKU is not one of yours."),
    "duplicate_sku": gettext_lazy("This SKU is already on row %(row)s; each product goes on one row only."),
    "price_invalid": gettext_lazy("“%(value)s” is not a price: write whole đồng, e.g. 250000 or 250.000."),
    "price_negative": gettext_lazy("A price cannot be negative."),
    "price_zero": gettext_lazy("A price must be more than 0 ₫."),
    "stock_invalid": gettext_lazy("“%(value)s” is not a stock level: write a whole number of units, e.g. 25."),
    "stock_negative": gettext_lazy("Stock cannot be negative."),
    "too_large": gettext_lazy("This number is too large."),
    "too_long": gettext_lazy("This text is longer than %(limit)s characters."),
}


def error_message(error):
    """The message of a stored row error, in the language of the page that shows it."""
    if "message" in error:  # refused when applied, by the catalogue or the stock service
        return error["message"]
    return ERROR_MESSAGES[error["code"]] % error.get("params", {})


@dataclass
class RowOutcome:
    number: int
    values: dict
    outcome: str = UNCHANGED
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    # What applying needs; not stored.
    stockrecord: object = None
    certificate: object = None
    price: int | None = None
    stock: int | None = None
    packaging: str | None = None
    description: str | None = None

    @property
    def sku(self):
        return self.values.get("sku", "")

    def add_error(self, column, code, **params):
        self.errors.append({"column": column, "code": code, "params": params})

    def as_json(self):
        product = self.stockrecord.product if self.stockrecord is not None else None
        if product is not None:
            title = product.get_title()
        elif self.certificate is not None:
            title = Product.title_for(self.certificate.product_name, self.packaging or "")
        else:
            title = ""
        return {
            "row": self.number,
            "sku": self.sku,
            "values": self.values,
            "outcome": self.outcome,
            "product": product.pk if product is not None else None,
            "title": title,
            "changes": self.changes,
            "errors": self.errors,
        }


# --- checking rows ------------------------------------------------------------------------------------------------
class _ProducerData:
    """What the rows of one sheet are checked against, fetched in a few queries whatever the number of rows."""

    def __init__(self, producer, rows):
        skus = {row.values.get("sku", "") for row in rows} - {""}
        self.own = {
            record.partner_sku: record
            for record in StockRecord.objects.filter(partner=producer, partner_sku__in=skus).select_related(
                "product", "product__certificate"
            )
        }
        # Another producer's SKU is refused without saying whose it is.
        self.foreign_skus = set(
            StockRecord.objects.filter(partner_sku__in=skus - self.own.keys(), partner__kind=Partner.Kind.PRODUCER)
            .exclude(partner=producer)
            .values_list("partner_sku", flat=True)
        )
        numbers = {row.values.get("certificate", "").upper() for row in rows} - {""}
        self.certificates = {
            certificate.upper_number: certificate
            for certificate in OcopCertificate.objects.annotate(upper_number=Upper("number"))
            .filter(upper_number__in=numbers)
            .select_related("product")
        }
        self.for_sale_ids = set(listings.certificates_for_new_listing(producer).values_list("pk", flat=True))
        self.listing_texts = listing_texts([record.product for record in self.own.values()])
        self.producer = producer


def listing_texts(products):
    """Product id -> (packaging, description) as the producer last wrote them: those of the proposal in
    progress (awaiting review, or a new listing sent back) if any, else the live listing's.

    The same rule as catalog.listings.proposal_in_progress, for many products in one query: comparing a
    row with the live text would propose again, or undo, what already awaits review.
    """
    revisions = {}
    for revision in ListingRevision.objects.filter(product__in=products).order_by("-submitted_at", "-pk"):
        revisions.setdefault(revision.product_id, []).append(revision)
    texts = {}
    for product in products:
        history = revisions.get(product.pk, [])
        draft = next((revision for revision in history if revision.status == ListingRevision.Status.PENDING), None)
        never_approved = not any(revision.status == ListingRevision.Status.APPROVED for revision in history)
        if draft is None and not product.is_public and never_approved:
            draft = next((revision for revision in history if revision.is_new_listing), None)
        source = draft if draft is not None else product
        texts[product.pk] = (source.packaging, source.description)
    return texts


def _text(values, key):
    """The cell of an optional column: None when the sheet has no such column or the cell is empty (kept as is)."""
    return values.get(key) or None


def _check_row(row, data, first_row_of_sku):
    outcome = RowOutcome(number=row.number, values=dict(row.values))
    values = row.values
    sku = values.get("sku", "")
    if not sku:
        outcome.add_error("sku", "missing")
    elif len(sku) > MAX_SKU_LENGTH:
        outcome.add_error("sku", "too_long", limit=MAX_SKU_LENGTH)
    elif sku in first_row_of_sku:
        outcome.add_error("sku", "duplicate_sku", row=first_row_of_sku[sku])
    else:
        first_row_of_sku[sku] = row.number
        if sku in data.foreign_skus:
            outcome.add_error("sku", "foreign_sku")

    for key, parse in (("price", spreadsheets.parse_price), ("stock", spreadsheets.parse_stock)):
        text = values.get(key, "")
        if not text:
            outcome.add_error(key, "missing")
            continue
        try:
            setattr(outcome, key, parse(text))
        except CellError as error:
            outcome.add_error(key, error.code, **error.params)

    packaging = _text(values, "packaging")
    outcome.packaging = " ".join(packaging.split()) if packaging else None
    if outcome.packaging and len(outcome.packaging) > MAX_PACKAGING_LENGTH:
        outcome.add_error("packaging", "too_long", limit=MAX_PACKAGING_LENGTH)
    description = _text(values, "description")
    if description and len(description) > MAX_DESCRIPTION_LENGTH:
        outcome.add_error("description", "too_long", limit=MAX_DESCRIPTION_LENGTH)
    elif description:
        outcome.description = clean_rich_text(description)

    sku_is_usable = not any(error["column"] == "sku" for error in outcome.errors)
    outcome.stockrecord = data.own.get(sku) if sku_is_usable else None
    if sku_is_usable and outcome.stockrecord is None:
        _check_certificate(outcome, values.get("certificate", ""), data)

    if outcome.errors:
        outcome.outcome = ERROR
    elif outcome.stockrecord is not None:
        outcome.changes = _changes_to(outcome.stockrecord, outcome, data.listing_texts[outcome.stockrecord.product_id])
        outcome.outcome = UPDATE if outcome.changes else UNCHANGED
    else:
        outcome.changes = [
            {
                "field": key,
                "before": None,
                "after": getattr(outcome, key),
                "reviewed": key in ("packaging", "description"),
            }
            for key in ("price", "stock", "packaging", "description")
            if getattr(outcome, key) is not None
        ]
        outcome.outcome = CREATE
    return outcome


def _check_certificate(outcome, number, data):
    if not number:
        outcome.add_error("certificate", "missing_certificate")
        return
    certificate = data.certificates.get(number.upper())
    if certificate is None:
        outcome.add_error("certificate", "unknown_certificate")
    elif certificate.product.producer_id != data.producer.pk:
        outcome.add_error("certificate", "foreign_certificate")
    elif certificate.pk not in data.for_sale_ids:
        outcome.add_error("certificate", "certificate_not_for_sale")
    else:
        outcome.certificate = certificate


def _changes_to(record, outcome, texts):
    packaging, description = texts
    before_price = int(record.price) if record.price is not None else None
    candidates = [
        ("price", before_price, outcome.price, False),
        ("stock", record.num_in_stock, outcome.stock, False),
        ("packaging", packaging, outcome.packaging, True),
        ("description", description, outcome.description, True),
    ]
    return [
        {"field": key, "before": before, "after": after, "reviewed": reviewed}
        for key, before, after, reviewed in candidates
        if after is not None and after != before
    ]


def check_rows(producer, rows):
    """The outcome of each sheet row (spreadsheets.SheetRow) for ``producer``, in the sheet's order."""
    data = _ProducerData(producer, rows)
    first_row_of_sku = {}
    return [_check_row(row, data, first_row_of_sku) for row in rows]


def _counts(outcomes):
    kinds = [row["outcome"] for row in outcomes]
    return {
        "row_count": len(kinds),
        "create_count": kinds.count(CREATE),
        "update_count": kinds.count(UPDATE),
        "unchanged_count": kinds.count(UNCHANGED),
        "error_count": kinds.count(ERROR),
    }


# --- preview ------------------------------------------------------------------------------------------------------
def preview_import(*, producer, user, original_name, data, sheet):
    """Store the uploaded sheet with each row's outcome; nothing in the catalogue changes yet."""
    outcomes = [outcome.as_json() for outcome in check_rows(producer, sheet.rows)]
    stored_name = f"{get_random_string(24)}.{sheet.format}"
    return ProductImport.objects.create(
        producer=producer,
        uploaded_by=user,
        file=ContentFile(data, name=stored_name),
        original_name=original_name[:255],
        format=sheet.format,
        columns=sheet.columns,
        rows=outcomes,
        **_counts(outcomes),
    )


# --- applying -----------------------------------------------------------------------------------------------------
def _apply_update(outcome, user, note):
    record = outcome.stockrecord
    changed = {change["field"] for change in outcome.changes}
    if changed & {"price", "stock"}:
        stock.change_stock_record(
            record,
            price=Decimal(outcome.price) if "price" in changed else None,
            num_in_stock=outcome.stock if "stock" in changed else None,
            user=user,
            source="import",
            note=note,
        )
    if changed & {"packaging", "description"}:
        listings.propose_listing_changes(
            record.product,
            packaging=outcome.packaging if "packaging" in changed else None,
            description=outcome.description if "description" in changed else None,
            user=user,
        )


def _apply_create(outcome, producer, user):
    return listings.create_listing(
        producer=producer,
        certificate=outcome.certificate,
        packaging=outcome.packaging or "",
        description=outcome.description or "",
        price=Decimal(outcome.price),
        num_in_stock=outcome.stock,
        user=user,
        partner_sku=outcome.sku,
    )


# The fields that the catalogue and stock services name in their ValidationErrors, and our columns.
COLUMN_OF_FIELD = {
    "partner_sku": "sku",
    "certificate": "certificate",
    "packaging": "packaging",
    "description": "description",
    "price": "price",
    "num_in_stock": "stock",
}


def _refusal(error):
    """A row's errors from a refusal of the catalogue or stock service (or the database) when applied."""
    if isinstance(error, IntegrityError):
        return [{"column": "sku", "message": _("This row could not be saved: another product already has this SKU.")}]
    if hasattr(error, "error_dict"):
        return [
            {"column": COLUMN_OF_FIELD.get(field, ""), "message": message}
            for field, errors in error.error_dict.items()
            for message in ValidationError(errors).messages
        ]
    return [{"column": "", "message": message} for message in error.messages]


def apply_import(product_import, *, user):
    """Apply the good rows of a previewed import, each in a transaction of its own; at most once.

    Returns the import, with each row's result, and whether this call applied it: a second call (say,
    a second click, or two at once) changes nothing and returns False.
    """
    with transaction.atomic():
        product_import = ProductImport.objects.select_for_update().get(pk=product_import.pk)
        if product_import.is_applied:
            return product_import, False
        producer = product_import.producer
        rows = [spreadsheets.SheetRow(number=row["row"], values=row["values"]) for row in product_import.rows]
        results = []
        for outcome in check_rows(producer, rows):
            result = outcome.as_json()
            if outcome.outcome == ERROR:
                result["result"] = FAILED
            elif outcome.outcome == UNCHANGED:
                result["result"] = SKIPPED
            else:
                note = _("Import of %(name)s, row %(row)s") % {
                    "name": product_import.original_name,
                    "row": outcome.number,
                }
                try:
                    with transaction.atomic():
                        if outcome.outcome == UPDATE:
                            _apply_update(outcome, user, note)
                        else:
                            result["product"] = _apply_create(outcome, producer, user).pk
                except (ValidationError, IntegrityError) as error:
                    result["result"] = FAILED
                    result["errors"] = _refusal(error)
                else:
                    result["result"] = APPLIED
            results.append(result)
        product_import.rows = results
        for name, value in _counts(results).items():
            setattr(product_import, name, value)
        product_import.applied_count = sum(1 for row in results if row["result"] == APPLIED)
        product_import.failed_count = sum(1 for row in results if row["result"] == FAILED)
        product_import.status = ProductImport.Status.APPLIED
        product_import.applied_at = timezone.now()
        product_import.applied_by = user
        product_import.save()
    return product_import, True


# --- the template -------------------------------------------------------------------------------------------------
def template_rows(producer):
    """The headings, and a row for each of the producer's current products: the template is also an export."""
    headings = [column.heading for column in spreadsheets.COLUMNS]
    records = list(
        StockRecord.objects.filter(partner=producer)
        .select_related("product", "product__certificate")
        .order_by("product__title", "partner_sku")
    )
    texts = listing_texts([record.product for record in records])
    rows = [
        [
            record.partner_sku,
            record.product.certificate.number if record.product.certificate_id else "",
            *texts[record.product_id],
            int(record.price) if record.price is not None else None,
            record.num_in_stock,
        ]
        for record in records
    ]
    return headings, rows
