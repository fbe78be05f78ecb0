"""Changing a stock record's price and stock, with its history; which stock records are running low.

Price and stock changes go live at once (no listing review); every change leaves a StockRecordChange.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.partner.prices import validated_price

StockRecord = get_model("partner", "StockRecord")
StockRecordChange = get_model("partner", "StockRecordChange")

DEFAULT_LOW_STOCK_THRESHOLD = 5
# num_in_stock is a PositiveIntegerField.
MAX_NUM_IN_STOCK = 2_147_483_647


def validated_num_in_stock(num_in_stock):
    """``num_in_stock`` as an int ≥ 0, or ValidationError."""
    if isinstance(num_in_stock, bool):
        raise ValidationError(_("Enter the number in stock as a whole number."), code="invalid")
    try:
        value = Decimal(str(num_in_stock).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter the number in stock as a whole number."), code="invalid") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValidationError(_("Enter the number in stock as a whole number."), code="invalid")
    if value < 0:
        raise ValidationError(_("The number in stock cannot be negative."), code="negative")
    if value > MAX_NUM_IN_STOCK:
        raise ValidationError(_("That number in stock is too large."), code="too_high")
    return int(value)


def record_stock_change(stockrecord, *, price_before, num_in_stock_before, source, note="", user=None):
    """Add to ``stockrecord``'s history the change from the values before to its current price and stock."""
    return StockRecordChange.objects.create(
        stockrecord=stockrecord,
        price_before=price_before,
        price_after=stockrecord.price,
        num_in_stock_before=num_in_stock_before,
        num_in_stock_after=stockrecord.num_in_stock,
        source=source,
        note=(note or "")[:255],
        changed_by=user if user is not None and user.is_authenticated else None,
    )


def change_stock_record(stockrecord, *, price=None, num_in_stock=None, user=None, source="dashboard", note=""):
    """Set the price and/or number in stock of ``stockrecord`` now, and record the change.

    ``None`` leaves a value as it is. Returns the StockRecordChange, or None when nothing changed.
    Raises ValidationError (a dict keyed "price" / "num_in_stock") for a price that is not a positive
    whole number of VND or a negative stock; then nothing is changed.
    """
    errors = {}
    if price is not None:
        try:
            price = validated_price(price)
        except ValidationError as error:
            errors["price"] = error
    if num_in_stock is not None:
        try:
            num_in_stock = validated_num_in_stock(num_in_stock)
        except ValidationError as error:
            errors["num_in_stock"] = error
    if errors:
        raise ValidationError(errors)
    if source not in StockRecordChange.Source.values:
        raise ValueError(f"Unknown stock change source {source!r}")

    with transaction.atomic():
        locked = StockRecord.objects.select_for_update().get(pk=stockrecord.pk)
        price_before, num_in_stock_before = locked.price, locked.num_in_stock
        price_after = price if price is not None else price_before
        num_in_stock_after = num_in_stock if num_in_stock is not None else num_in_stock_before
        if price_after == price_before and num_in_stock_after == num_in_stock_before:
            change = None
        else:
            locked.price = price_after
            locked.num_in_stock = num_in_stock_after
            locked.save(update_fields=["price", "num_in_stock", "date_updated"])
            change = record_stock_change(
                locked,
                price_before=price_before,
                num_in_stock_before=num_in_stock_before,
                source=source,
                note=note,
                user=user,
            )
    # The caller's instance shows what is in the database now (including others' changes just read).
    stockrecord.price = locked.price
    stockrecord.num_in_stock = locked.num_in_stock
    stockrecord.num_allocated = locked.num_allocated
    stockrecord.date_updated = locked.date_updated
    return change


def set_low_stock_threshold(stockrecord, threshold):
    """Set the level under which ``stockrecord`` counts as low on stock (None: the default of 5)."""
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
            raise ValidationError({"low_stock_threshold": _("The low-stock level must be a whole number, 0 or more.")})
    if threshold == stockrecord.low_stock_threshold:
        return False
    StockRecord.objects.filter(pk=stockrecord.pk).update(low_stock_threshold=threshold)
    stockrecord.low_stock_threshold = threshold
    return True


def with_stock_levels(queryset):
    """Annotate stock records with ``available`` (in stock − allocated), ``effective_low_stock_threshold``
    (their own or the default) and ``is_low_stock`` (available below that threshold)."""
    return queryset.annotate(
        available=Coalesce(F("num_in_stock"), Value(0)) - Coalesce(F("num_allocated"), Value(0)),
        effective_low_stock_threshold=Coalesce(F("low_stock_threshold"), Value(DEFAULT_LOW_STOCK_THRESHOLD)),
    ).annotate(
        is_low_stock=Case(When(available__lt=F("effective_low_stock_threshold"), then=Value(True)), default=False)
    )


def low_stock(queryset):
    """The stock records of ``queryset`` whose available stock is below their low-stock threshold."""
    return with_stock_levels(queryset).filter(is_low_stock=True)


def is_low_stock(stockrecord):
    threshold = stockrecord.low_stock_threshold
    if threshold is None:
        threshold = DEFAULT_LOW_STOCK_THRESHOLD
    return stockrecord.net_stock_level < threshold
