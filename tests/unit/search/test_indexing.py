"""Which products a change sends to the engines, and that they go only after the commit."""

from datetime import timedelta

import pytest

from catalog.certificates import withdraw_certificate
from catalog.models import Category, today
from search import tasks
from tests.factories import BoothFactory, FairFactory, ProductFactory, SalesPointFactory, certified_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch, settings):
    """The product ids handed to the indexing task, a list per task, after the commit as in production."""
    settings.SEARCH_INDEX_AFTER_COMMIT = True
    calls = []
    monkeypatch.setattr(tasks.update_products, "delay", lambda ids: calls.append(set(ids)))
    return calls


@pytest.fixture
def honey():
    return certified_product(4, title="Mật ong rừng")


def changes(capture, sent, change):
    sent.clear()
    with capture(execute=True) as callbacks:
        change()
        assert sent == []  # nothing before the commit
    assert callbacks
    return set().union(*sent)


def test_each_change_sends_the_products_it_touches(django_capture_on_commit_callbacks, sent, honey):
    capture = django_capture_on_commit_callbacks
    other = certified_product(4, producer=honey.producer)
    stranger = certified_product(4)

    def rename():
        honey.title = "Mật ong hoa nhãn"
        honey.save()

    assert changes(capture, sent, rename) == {honey.pk}
    assert changes(
        capture, sent, lambda: withdraw_certificate(honey.certificate, occurred_on=today(), reference="QĐ-1")
    ) == {honey.pk}

    def rename_producer():
        honey.producer.name = "HTX Ong mật Sơn Kim"
        honey.producer.save()

    assert changes(capture, sent, rename_producer) == {honey.pk, other.pk}

    sales_point = SalesPointFactory()

    def stock_at_sales_point():
        sales_point.partner.stockrecords.create(product=stranger, partner_sku="SP-1", price=90_000, num_in_stock=3)

    assert changes(capture, sent, stock_at_sales_point) == {stranger.pk}

    def close_sales_point():
        sales_point.status = "closed"
        sales_point.save()

    assert changes(capture, sent, close_sales_point) == {stranger.pk}

    fair = FairFactory(starts_on=today() + timedelta(days=2))
    assert changes(capture, sent, lambda: BoothFactory(fair=fair, producer=honey.producer)) == {honey.pk, other.pk}

    def move_fair():
        fair.ends_on = fair.ends_on + timedelta(days=1)
        fair.save()

    assert changes(capture, sent, move_fair) == {honey.pk, other.pk}

    category = Category.add_root(name="Quà biếu")
    assert changes(capture, sent, lambda: honey.categories.add(category)) == {honey.pk}


def test_a_variant_sends_its_parent(django_capture_on_commit_callbacks, sent, honey):
    honey.structure = "parent"
    honey.save()
    variant = ProductFactory(parent=honey, structure="child", title="Hũ 500 g", producer=None, stock=False)
    assert changes(django_capture_on_commit_callbacks, sent, variant.save) == {honey.pk}


def test_a_rolled_back_change_sends_nothing(sent, honey):
    from django.db import transaction

    sent.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        honey.title = "Never"
        honey.save()
        raise RuntimeError
    assert sent == []
