"""How a buyer may receive each producer's part of a basket, and what the chosen ways come to.

A basket is split by producer. Each part is delivered (at the producer's shipping rate), picked up at
a sales point that holds every item of it in stock (the sales point's stock is reserved), or picked up
at the producer's booth at a fair that has not ended, on one of the fair's days. The buyer's choices
are kept in the checkout session as plain data (``GroupChoice``) and checked again against the basket,
the stock and the calendar each time they are used (``resolve``), so a choice that stopped being
possible sends the buyer back to choose again, the basket untouched.
"""

import math
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from catalog.models import today
from shop.order.models import RECEIVING_LABELS, FulfilmentChannel
from shop.outlets.models import Booth, SalesPoint
from shop.partner.models import Partner, StockRecord
from shop.partner.shipping import delivery_charge

DELIVERY = FulfilmentChannel.DELIVERY
SALES_POINT_PICKUP = FulfilmentChannel.SALES_POINT_PICKUP
FAIR_PICKUP = FulfilmentChannel.FAIR_PICKUP


class ChoiceNoLongerPossible(Exception):
    """A way of receiving that was chosen earlier cannot be used any more; ``message`` says why."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


@dataclass
class ProducerGroup:
    """The lines of one producer in a basket."""

    producer: Partner
    lines: list

    @property
    def quantities(self):
        """Units wanted of each product (variants apart), in the order of the product ids."""
        wanted = {}
        for line in self.lines:
            wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
        return dict(sorted(wanted.items()))


def producer_groups(basket):
    """The basket's lines grouped by the producer whose stock record they are sold from, by producer name."""
    lines = [line for line in basket.all_lines() if line.stockrecord_id is not None]
    lines.sort(key=lambda line: (line.stockrecord.partner.name, line.stockrecord.partner_id, line.pk))
    return [
        ProducerGroup(producer=producer_lines[0].stockrecord.partner, lines=producer_lines)
        for producer_lines in (
            list(group) for _partner_id, group in groupby(lines, key=lambda line: line.stockrecord.partner_id)
        )
    ]


# --- sales points ---------------------------------------------------------------


@dataclass
class SalesPointOption:
    sales_point: SalesPoint
    distance_km: float | None = None
    #: The sales point's stock record of each product of the group.
    stockrecords: dict = field(default_factory=dict)


def distance_km(latitude_a, longitude_a, latitude_b, longitude_b):
    """The great-circle distance between two points, in kilometres (haversine)."""
    lat_a, lon_a, lat_b, lon_b = map(math.radians, map(float, (latitude_a, longitude_a, latitude_b, longitude_b)))
    a = math.sin((lat_b - lat_a) / 2) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin((lon_b - lon_a) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def pickup_sales_points(group, *, near=None, province_code=None):
    """Open sales points holding every item of ``group`` with enough units free.

    Nearest first when ``near`` (latitude, longitude) is known; otherwise those of ``province_code``
    (the buyer's) first, then by province and name.
    """
    wanted = group.quantities
    records = (
        StockRecord.objects.filter(
            product_id__in=wanted,
            partner__kind=Partner.Kind.SALES_POINT,
            partner__sales_point__status=SalesPoint.Status.OPERATING,
        )
        .annotate(free=Coalesce(F("num_in_stock"), Value(0)) - Coalesce(F("num_allocated"), Value(0)))
        .select_related("partner__sales_point")
        .order_by("partner_id", "product_id")
    )
    options = []
    for _partner_id, partner_records in groupby(records, key=lambda record: record.partner_id):
        by_product = {record.product_id: record for record in partner_records}
        if all(product_id in by_product and by_product[product_id].free >= n for product_id, n in wanted.items()):
            sales_point = next(iter(by_product.values())).partner.sales_point
            options.append(SalesPointOption(sales_point=sales_point, stockrecords=by_product))
    if near is not None:
        for option in options:
            point = option.sales_point
            option.distance_km = distance_km(near[0], near[1], point.latitude, point.longitude)
        options.sort(key=lambda option: (option.distance_km, option.sales_point.name))
    else:
        options.sort(
            key=lambda option: (
                option.sales_point.partner.province_code != province_code,
                option.sales_point.partner.province_name,
                option.sales_point.name,
            )
        )
    return options


# --- fairs ----------------------------------------------------------------------


@dataclass
class BoothOption:
    booth: Booth
    days: list


def booth_day_value(booth_id, day):
    return f"{booth_id}:{day.isoformat()}"


def parse_booth_day(value):
    """``(booth_id, day)`` from a posted ``"<booth id>:<YYYY-MM-DD>"``, or None."""
    booth_id, _sep, day = (value or "").partition(":")
    try:
        return int(booth_id), date.fromisoformat(day)
    except ValueError:
        return None


def fair_booths(producer, day=None):
    """The producer's booths at fairs that have not ended, soonest first, each with the days left to pick up:
    from the fair's first day (or today, when it is running) to its last."""
    day = day or today()
    booths = (
        Booth.objects.filter(producer=producer, fair__ends_on__gte=day)
        .select_related("fair")
        .order_by("fair__starts_on", "fair__name", "number")
    )
    options = []
    for booth in booths:
        first = max(booth.fair.starts_on, day)
        span = (booth.fair.ends_on - first).days
        options.append(BoothOption(booth=booth, days=[first + timedelta(days=n) for n in range(span + 1)]))
    return options


# --- the buyer's choices ----------------------------------------------------------


@dataclass
class GroupChoice:
    """How the buyer chose to receive one producer's part; plain data, kept in the session."""

    producer_id: int
    method: str
    sales_point_id: int | None = None
    booth_id: int | None = None
    pickup_on: str | None = None  # ISO date

    def to_session(self):
        return asdict(self)

    @classmethod
    def from_session(cls, data):
        return cls(**data)


@dataclass
class ResolvedGroup:
    """A choice checked against today's basket, stock and calendar: what the order will record."""

    producer: Partner
    lines: list
    method: str
    sales_point: SalesPoint | None = None
    booth: Booth | None = None
    pickup_on: date | None = None
    shipping_charge: Decimal = Decimal(0)
    #: For a sales-point pickup: the sales point's stock record of each product, allocated instead of the producer's.
    pickup_stockrecords: dict = field(default_factory=dict)

    @property
    def method_label(self):
        return RECEIVING_LABELS[self.method]

    @property
    def is_delivery(self):
        return self.method == DELIVERY

    def stockrecord_for(self, line):
        """The stock record a basket line's units are taken from."""
        return self.pickup_stockrecords.get(line.product_id, line.stockrecord)


def resolve(basket, choices, *, day=None):
    """Check ``choices`` (GroupChoice) against ``basket`` and return a ResolvedGroup per producer group.

    Raises ChoiceNoLongerPossible when a producer of the basket has no choice, or a chosen sales point
    no longer holds the items, or a fair booth or day is no longer open.
    """
    day = day or today()
    by_producer = {choice.producer_id: choice for choice in choices}
    resolved = []
    for group in producer_groups(basket):
        choice = by_producer.get(group.producer.pk)
        if choice is None:
            raise ChoiceNoLongerPossible(
                _("Please choose how to receive the goods of %(producer)s.") % {"producer": group.producer.name}
            )
        resolved.append(_resolve_group(group, choice, day))
    return resolved


def _resolve_group(group, choice, day):
    if choice.method == DELIVERY:
        return ResolvedGroup(
            producer=group.producer,
            lines=group.lines,
            method=DELIVERY,
            shipping_charge=delivery_charge(group.producer, group.lines),
        )
    if choice.method == SALES_POINT_PICKUP:
        option = next(
            (option for option in pickup_sales_points(group) if option.sales_point.pk == choice.sales_point_id),
            None,
        )
        if option is None:
            raise ChoiceNoLongerPossible(
                _(
                    "The sales point you chose no longer has all of %(producer)s's items in stock. "
                    "Please choose another way to receive them."
                )
                % {"producer": group.producer.name}
            )
        return ResolvedGroup(
            producer=group.producer,
            lines=group.lines,
            method=SALES_POINT_PICKUP,
            sales_point=option.sales_point,
            pickup_stockrecords=option.stockrecords,
        )
    if choice.method == FAIR_PICKUP:
        pickup_on = date.fromisoformat(choice.pickup_on) if choice.pickup_on else None
        option = next(
            (option for option in fair_booths(group.producer, day) if option.booth.pk == choice.booth_id), None
        )
        if option is None or pickup_on not in option.days:
            raise ChoiceNoLongerPossible(
                _(
                    "The fair day you chose for %(producer)s's items is no longer open for pickup. "
                    "Please choose another day or way."
                )
                % {"producer": group.producer.name}
            )
        return ResolvedGroup(
            producer=group.producer, lines=group.lines, method=FAIR_PICKUP, booth=option.booth, pickup_on=pickup_on
        )
    raise ChoiceNoLongerPossible(
        _("Please choose how to receive the goods of %(producer)s.") % {"producer": group.producer.name}
    )
