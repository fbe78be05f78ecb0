"""What the database engine (search.engines.database) does its own way: its rows, its vocabulary of
words one typo away, its queries. What both engines do is in tests/integration/search/test_product_contract.py."""

import pytest

from catalog.models import Product
from search.engines.base import ProductQuery
from search.engines.database import DatabaseEngine, edit_distance, vocabulary
from search.models import ProductSearchEntry
from tests.factories import HA_TINH, ProducerFactory, certified_product
from tests.integration.search import shelf
from tests.integration.search.shelf import product

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine():
    return DatabaseEngine()


def indexed(engine, *products):
    engine.update_products([product.pk for product in products])
    return products


def found(engine, **query):
    return list(engine.search_products(ProductQuery(**query)).product_ids)


def test_each_field_is_stored_folded_and_all_of_them_together(engine):
    honey = product("Mật ong rừng", producer=ProducerFactory(name="HTX Hương Sơn"), description="Thu hoạch")
    indexed(engine, honey)

    entry = ProductSearchEntry.objects.get(pk=honey.pk)
    assert entry.title == " mat ong rung "
    assert entry.producer == " htx huong son "
    assert entry.group_labels == " thuc pham food thuc pham che bien processed food "
    # One field from the next kept apart by "|": a phrase never runs from one field into the next.
    assert "| htx huong son |" in entry.document
    assert entry.document.endswith("| thu hoach ")


def test_the_typo_lookup_finds_the_words_one_edit_away(engine):
    indexed(engine, certified_product(title="Nước mắm Cửa Hội"), certified_product(title="Mắm tôm"))
    words = vocabulary()

    assert "mam" in words and "mamm" not in words
    assert words.one_edit_from("mamm") == ["mam"]
    assert words.one_edit_from("hoii") == ["hoi"]
    assert words.one_edit_from("tmo") == ["tom"]
    assert words.one_edit_from("zzzz") == []
    assert words.closest("mma") == "mam"
    assert words.closest("nxocc") == "nuoc"  # two edits
    assert words.closest("mxxm") == "mam"  # two letters replaced: no key of the neighbourhood
    assert words.closest("qqqqqq") is None
    assert edit_distance("nuoc", "nouc") == 1
    assert edit_distance("nuoc", "nuocmm", 1) == 2


def test_the_vocabulary_follows_the_entries(engine):
    indexed(engine, certified_product(title="Nước mắm Cửa Hội"))
    assert "tuong" not in vocabulary()

    sauce = indexed(engine, certified_product(title="Tương Nam Đàn"))[0]

    assert "tuong" in vocabulary()
    assert found(engine, text="tuongg nam dan") == [sauce.pk]


def test_a_change_of_price_or_stock_keeps_the_vocabulary_a_change_of_words_does_not(engine):
    from django.core.cache import cache

    from search.engines.database import VOCABULARY_KEY

    honey = indexed(engine, certified_product(title="Mật ong rừng"))[0]
    vocabulary()
    token = cache.get(VOCABULARY_KEY)
    assert token is not None

    honey.stockrecords.update(price=199_000, num_in_stock=3)
    engine.update_products([honey.pk])
    assert cache.get(VOCABULARY_KEY) == token

    honey.title = "Mật ong hoa nhãn"
    honey.save()
    engine.update_products([honey.pk])
    assert cache.get(VOCABULARY_KEY) is None
    assert "nhan" in vocabulary()


def test_rebuild_writes_its_rows_in_chunks_and_reports_progress_after_each(engine, monkeypatch):
    import search.engines.database as database

    for_sale = [certified_product(title=f"Mật ong {n}") for n in range(3)]
    not_for_sale = certified_product(stars=2, title="Hai sao")
    hidden = indexed(engine, certified_product(title="Đã ẩn"))[0]
    Product.objects.filter(pk=hidden.pk).update(is_public=False)
    monkeypatch.setattr(database, "REBUILD_CHUNK", 2)
    calls = []

    assert engine.rebuild(progress=lambda done, total: calls.append((done, total))) == 3

    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert set(ProductSearchEntry.objects.values_list("pk", flat=True)) == {item.pk for item in for_sale}
    assert not_for_sale.pk not in engine.indexed_fingerprints()


def test_a_search_takes_two_queries_whatever_the_number_of_products(engine, django_assert_num_queries):
    engine.update_products([item.pk for item in shelf.catalogue().values()])
    vocabulary()  # computed once, then read from the cache

    with django_assert_num_queries(2):  # the grouped count (total and facets), the page
        results = engine.search_products(
            ProductQuery(text="mat ong thuc pham", stars=(3, 4), provinces=(HA_TINH,), price_bands=("under-100k",))
        )
    assert results.total == 1
    with django_assert_num_queries(2):
        assert engine.search_products(ProductQuery(sort="price_asc", per_page=2)).total == 6
