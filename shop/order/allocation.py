"""Allocating the stock of an order so that no unit is ever sold twice.

Oscar's ``StockRecord.allocate`` adds to ``num_allocated`` whatever is left, so two buyers who check
out the last units at the same moment are both sold them. Here each stock record is allocated with
one conditional UPDATE that only succeeds while enough units are free; PostgreSQL re-checks that
condition on the latest row after waiting for a concurrent buyer's lock, so the second buyer sees
the first one's allocation. Stock records are taken in the order of their id, whatever the order of
the basket, so two orders never wait on each other's rows (no deadlock). All of an order's
allocations succeed or none remain.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, ngettext
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_model

StockRecord = get_model("partner", "StockRecord")

FREE_UNITS = Coalesce(F("num_in_stock"), Value(0)) - Coalesce(F("num_allocated"), Value(0))


class SoldOut(UnableToPlaceOrder):
    """A stock record has fewer units free than the order needs; nothing of the order was allocated."""

    def __init__(self, title, available, requested):
        self.title = title
        self.available = max(available, 0)
        self.requested = requested
        super().__init__(f"{title}: {self.available} left, {requested} wanted")

    @property
    def message(self):
        """What the buyer reads, in the language active when it is read."""
        return shortage_message(self.title, self.available, self.requested)


def shortage_message(title, available, requested):
    if available <= 0:
        return gettext("Sorry, “%(title)s” has sold out. Please remove it from your basket to continue.") % {
            "title": title
        }
    return ngettext(
        "Sorry, only %(available)d of “%(title)s” is left and your basket has %(requested)d. "
        "Please lower the quantity in your basket to continue.",
        "Sorry, only %(available)d of “%(title)s” are left and your basket has %(requested)d. "
        "Please lower the quantity in your basket to continue.",
        available,
    ) % {"title": title, "available": available, "requested": requested}


@dataclass
class _Need:
    stockrecord: StockRecord
    title: str
    quantity: int = 0


def stock_needs(lines):
    """The units that ``lines`` (basket or order lines) take from each stock record that tracks stock,
    the quantities of lines sharing a record added up, in the order of the records' ids."""
    needs = {}
    for line in lines:
        stockrecord = line.stockrecord
        if stockrecord is None or not line.product.get_product_class().track_stock:
            continue
        need = needs.setdefault(stockrecord.pk, _Need(stockrecord, line.product.get_title()))
        need.quantity += line.quantity
    return [needs[pk] for pk in sorted(needs)]


def shortages(lines):
    """A SoldOut for each stock record that, as last read, has fewer units free than ``lines`` take."""
    return [
        SoldOut(need.title, need.stockrecord.net_stock_level, need.quantity)
        for need in stock_needs(lines)
        if need.stockrecord.net_stock_level < need.quantity
    ]


def allocate_stock(lines):
    """Allocate the stock that ``lines`` take, all of it or none.

    Raises SoldOut for the first stock record (by id) without enough units free; the allocations
    already made for the other records are rolled back with it. Meant to run inside the transaction
    that writes the order, so that the rows stay locked until the order is committed.
    """
    needs = stock_needs(lines)
    allocated = []
    with transaction.atomic():
        for need in needs:
            updated = (
                StockRecord.objects.filter(pk=need.stockrecord.pk)
                .alias(free=FREE_UNITS)
                .filter(free__gte=need.quantity)
                .update(num_allocated=Coalesce(F("num_allocated"), Value(0)) + need.quantity)
            )
            if not updated:
                free = StockRecord.objects.filter(pk=need.stockrecord.pk).values_list(FREE_UNITS, flat=True).first()
                raise SoldOut(need.title, free or 0, need.quantity)
            allocated.append(need.stockrecord)
    for stockrecord in allocated:
        # As Oscar's allocate does: the instance shows the allocation, and post_save keeps the
        # search index's availability up to date.
        stockrecord.refresh_from_db(fields=["num_in_stock", "num_allocated"])
        stockrecord.post_save_signal()
