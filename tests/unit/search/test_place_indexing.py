"""Which sales points and fairs a change sends to the engines, and that they go only after the commit."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from catalog.certificates import withdraw_certificate
from catalog.models import today
from search import tasks
from search.engines.database import DatabaseEngine
from search.models import PlaceSearchEntry
from search.place_records import FAIR, SALES_POINT
from search.tasks import expected_place_fingerprints, repair
from shop.outlets.models import Fair
from shop.partner.models import StockRecord
from tests.factories import BoothFactory, FairFactory, SalesPointFactory, certified_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch, settings):
    """The place keys handed to the indexing task, a list per task, after the commit as in production."""
    settings.SEARCH_INDEX_AFTER_COMMIT = True
    calls = []
    monkeypatch.setattr(tasks.update_places, "delay", lambda keys: calls.append({tuple(key) for key in keys}))
    return calls


@pytest.fixture
def town():
    honey = certified_product(4, title="Mật ong rừng")
    market = SalesPointFactory()
    stock = StockRecord.objects.create(
        product=honey, partner=market.partner, partner_sku="SP-1", price=Decimal(90_000), num_in_stock=3
    )
    fair = FairFactory(starts_on=today() + timedelta(days=2))
    booth = BoothFactory(fair=fair, producer=honey.producer)
    other_fair = FairFactory()
    showing = BoothFactory(fair=other_fair)  # another producer's booth, showing the honey
    showing.products.add(honey)
    unrelated = FairFactory()
    BoothFactory(fair=unrelated)
    return {
        "honey": honey,
        "market": market,
        "stock": stock,
        "fair": fair,
        "booth": booth,
        "other_fair": other_fair,
        "showing": showing,
        "unrelated": unrelated,
    }


@pytest.fixture
def changes(django_capture_on_commit_callbacks, sent):
    def run(change):
        sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change()
            assert sent == []  # nothing before the commit
        return set().union(*sent)

    return run


def test_a_sales_point_its_partner_and_its_stock(changes, town):
    market = town["market"]
    key = {(SALES_POINT, market.pk)}

    def close():
        market.status = "closed"
        market.save()

    def rename():
        market.partner.name = "Điểm bán Chợ Nghèn"
        market.partner.save()

    def sell_out():
        town["stock"].num_in_stock = 0
        town["stock"].save()

    assert changes(close) == key
    assert changes(rename) == key
    assert changes(sell_out) == key
    assert changes(town["stock"].delete) == key
    other_product = certified_product(4)
    assert (
        changes(lambda: StockRecord.objects.create(product=other_product, partner=market.partner, partner_sku="SP-2"))
        == key
    )
    market_id = market.pk
    assert changes(market.delete) == {(SALES_POINT, market_id)}


def test_a_producer_renamed_sends_the_fairs_of_its_booths(changes, town):
    def rename():
        town["honey"].producer.name = "HTX Ong mật Sơn Kim"
        town["honey"].producer.save()

    assert changes(rename) == {(FAIR, town["fair"].pk)}


def test_a_fair_and_its_booths(changes, town):
    fair = town["fair"]

    def move():
        fair.ends_on += timedelta(days=1)
        fair.save()

    assert changes(move) == {(FAIR, fair.pk)}
    assert changes(lambda: BoothFactory(fair=fair)) == {(FAIR, fair.pk)}
    assert changes(town["booth"].delete) == {(FAIR, fair.pk)}
    new_product = certified_product(4)
    assert changes(lambda: town["showing"].products.add(new_product)) == {(FAIR, town["other_fair"].pk)}
    assert changes(lambda: new_product.booths.remove(town["showing"])) == {(FAIR, town["other_fair"].pk)}
    fair_id = fair.pk
    assert changes(fair.delete) == {(FAIR, fair_id)}


def test_a_product_sends_where_it_is_held_and_shown(changes, town):
    honey = town["honey"]
    where = {(SALES_POINT, town["market"].pk), (FAIR, town["fair"].pk), (FAIR, town["other_fair"].pk)}

    def rename():
        honey.title = "Mật ong hoa nhãn"
        honey.save()

    assert changes(rename) == where
    assert changes(lambda: withdraw_certificate(honey.certificate, occurred_on=today(), reference="QĐ-1")) == where


def test_a_product_held_nowhere_sends_no_place(changes, sent, town):
    stranger = certified_product(4)

    def rename():
        stranger.title = "Chè xanh"
        stranger.save()

    assert changes(rename) == set()
    assert sent == []


def test_a_rolled_back_change_sends_nothing(sent, town):
    sent.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        town["market"].operator = "Never"
        town["market"].save()
        raise RuntimeError
    assert sent == []


def test_the_repair_brings_places_back_in_line(town):
    engine = DatabaseEngine()
    assert engine.indexed_place_fingerprints() == expected_place_fingerprints()  # the signals indexed them
    # Changes no signal tells of: an entry lost, a fair renamed by a queryset update.
    PlaceSearchEntry.objects.filter(kind=SALES_POINT, place_id=town["market"].pk).delete()
    Fair.objects.filter(pk=town["fair"].pk).update(name="Festival Cam Hà Tĩnh")
    repaired = repair([engine])
    assert repaired == {"database": 0} and repaired.places == {"database": 2}
    assert engine.indexed_place_fingerprints() == expected_place_fingerprints()
    out = StringIO()
    with translation.override("en"):
        call_command("search_index", "--repair", "--engine", "database", stdout=out)
    assert "database: 0 places repaired" in out.getvalue()
