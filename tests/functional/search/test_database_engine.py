"""The database engine (search.engines.database) on real catalogue rows: folding, typos, synonyms,
facets and their counts, sorts, paging, visibility by day, indexing, suggestions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.groups import ProductGroup
from catalog.models import Category, OcopCertificate, Product, ProductCategory, today
from search.engines.base import ProductQuery
from search.engines.database import DatabaseEngine, edit_distance, vocabulary
from search.models import ProductSearchEntry
from search.records import product_records
from shop.partner.models import Partner, StockRecord
from tests.factories import (
    HA_TINH,
    THANH_HOA,
    THANH_HOA_WARD,
    BoothFactory,
    CertificateFactory,
    FairFactory,
    ProducerFactory,
    ProductFactory,
    SalesPointFactory,
    certified_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine():
    return DatabaseEngine()


def indexed(engine, *products):
    engine.update_products([product.pk for product in products])
    return products


def found(engine, **query):
    return list(engine.search_products(ProductQuery(**query)).product_ids)


def product(
    title,
    *,
    stars=4,
    group=ProductGroup.FOOD,
    subgroup="processed_food",
    producer=None,
    price="250000",
    description="",
):
    stock = False if price is None else (Decimal(price), 20)
    made = ProductFactory(title=title, producer=producer or ProducerFactory(), stock=stock, description=description)
    CertificateFactory(product=made, stars=stars, group=group, subgroup=subgroup)
    made.refresh_from_db()
    return made


def facet(results, name):
    return {count.value: (count.count, count.selected) for count in results.facets[name]}


# --- text ----------------------------------------------------------------------------------------
def test_words_match_without_diacritics_and_in_any_case(engine):
    tofu, fish_sauce = indexed(engine, certified_product(title="Đậu phụ làng Mơ"), certified_product(title="Nước mắm"))

    assert found(engine, text="dau phu") == [tofu.pk]
    assert found(engine, text="ĐẬU PHỤ") == [tofu.pk]
    assert found(engine, text="đậu phụ lang mo") == [tofu.pk]
    assert found(engine, text="nuoc mam") == [fish_sauce.pk]
    # Every word must match: "dau" matches, "mam" does not match the tofu.
    assert found(engine, text="dau mam") == []


def test_every_word_may_match_a_different_field(engine):
    producer = ProducerFactory(name="HTX Hương Sơn")
    honey = product("Mật ong rừng", producer=producer, description="Thu hoạch mùa xuân", group=ProductGroup.FOOD)
    indexed(engine, honey, certified_product(title="Cam Vũ Quang"))

    # Title, producer, province, commune, group label (Vietnamese and English) and description.
    assert found(engine, text="mat ong huong son ha tinh vu quang") == [honey.pk]
    assert found(engine, text="mật ong thực phẩm chế biến") == [honey.pk]
    assert found(engine, text="honey processed food mat ong") == []  # "honey" is in no field
    assert found(engine, text="processed food mat ong") == [honey.pk]
    assert found(engine, text="mat ong mua xuan") == [honey.pk]
    # Each field is stored folded, and all of them together, one field from the next kept apart by "|".
    entry = ProductSearchEntry.objects.get(pk=honey.pk)
    assert entry.title == " mat ong rung "
    assert "| htx huong son |" in entry.document


def test_one_typo_is_tolerated(engine):
    fish_sauce, oranges = indexed(
        engine, certified_product(title="Nước mắm Cửa Hội"), certified_product(title="Cam Vũ Quang")
    )

    assert found(engine, text="nuoc mamm") == [fish_sauce.pk]
    assert found(engine, text="nuoc mam cua hoii") == [fish_sauce.pk]
    assert found(engine, text="nouc mam") == [fish_sauce.pk]  # two letters swapped
    assert found(engine, text="cam vu quagn") == [oranges.pk]
    # Two typos in one word are too many.
    assert found(engine, text="nuoc mammmm") == []


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
    assert words.closest("qqqqqq") is None
    assert edit_distance("nuoc", "nouc") == 1
    assert edit_distance("nuoc", "nuocmm", 1) == 2


def test_a_word_of_a_synonym_set_finds_the_others(engine):
    # Sub-groups whose labels hold none of these words ("chế biến" folds to "che bien", like "chè").
    fresh = {"group": ProductGroup.FOOD, "subgroup": "fresh_produce"}
    tea, pork, antler = indexed(
        engine,
        product("Chè xanh Hương Sơn", **fresh),
        product("Thịt heo rừng", **fresh),
        product("Nhung nai Hương Sơn", **fresh),
    )
    indexed(engine, product("Bánh tráng", **fresh))

    assert found(engine, text="tra") == [tea.pk]
    assert found(engine, text="trà xanh") == [tea.pk]
    assert found(engine, text="che") == [tea.pk]
    assert found(engine, text="thit lon") == [pork.pk]
    assert found(engine, text="nhung huou") == [antler.pk]
    assert found(engine, text="nhung huou huong son") == [antler.pk]
    # "nhung" alone is a word, not the phrase: it finds the antler, not the others.
    assert found(engine, text="nhung") == [antler.pk]


def test_whole_words_match_not_parts_of_words(engine):
    rice_paper = indexed(engine, product("Bánh tráng", subgroup="fresh_produce"))[0]

    assert found(engine, text="trang") == [rice_paper.pk]
    assert found(engine, text="tra") == []
    assert found(engine, text="banh tr") == []


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


# --- visibility ----------------------------------------------------------------------------------
def test_a_certificate_that_ended_yesterday_is_not_found_today_but_is_on_a_day_it_was_valid(engine):
    lapsed = certified_product(title="Mật ong bạc hà")
    OcopCertificate.objects.filter(pk=lapsed.certificate_id).update(
        valid_from=today() - timedelta(days=300), valid_until=today() - timedelta(days=1)
    )
    current = certified_product(title="Mật ong rừng")
    indexed(engine, lapsed, current)

    assert ProductSearchEntry.objects.filter(pk=lapsed.pk).exists()  # indexed: the day decides
    results = engine.search_products(ProductQuery(text="mat ong"))
    assert list(results.product_ids) == [current.pk]
    assert results.total == 1
    assert facet(results, "stars") == {4: (1, False)}
    assert found(engine) == [current.pk]
    assert [suggestion.text for suggestion in engine.suggest("mat ong")] == ["Mật ong rừng"]

    day_inside = today() - timedelta(days=10)
    assert sorted(found(engine, text="mat ong", day=day_inside)) == sorted([lapsed.pk, current.pk])
    suggested = engine.suggest("mat ong", day=day_inside)
    assert {suggestion.text for suggestion in suggested if suggestion.kind == "product"} == {
        "Mật ong bạc hà",
        "Mật ong rừng",
    }


def test_hidden_and_withdrawn_products_are_removed_by_update_products(engine):
    hidden, withdrawn, kept = indexed(
        engine,
        certified_product(title="Mật ong A"),
        certified_product(title="Mật ong B"),
        certified_product(title="Mật ong C"),
    )
    assert len(found(engine, text="mat ong")) == 3

    Product.objects.filter(pk=hidden.pk).update(is_public=False)
    OcopCertificate.objects.filter(pk=withdrawn.certificate_id).update(
        status=OcopCertificate.Status.WITHDRAWN, withdrawn_on=today()
    )
    engine.update_products([hidden.pk, withdrawn.pk, kept.pk, 999_999])

    assert found(engine, text="mat ong") == [kept.pk]
    assert set(engine.indexed_fingerprints()) == {kept.pk}


def test_products_that_are_not_for_sale_are_never_indexed(engine):
    two_stars = certified_product(stars=2, title="Mật ong hai sao")
    uncertified = ProductFactory(title="Mật ong chưa chứng nhận")
    indexed(engine, two_stars, uncertified)

    assert not ProductSearchEntry.objects.exists()
    assert found(engine, text="mat ong") == []


# --- facets --------------------------------------------------------------------------------------
@pytest.fixture
def catalogue():
    """Four products that differ in every facet."""
    thanh_hoa = {"province_code": THANH_HOA, "ward_code": THANH_HOA_WARD}
    a = product(
        "Mật ong A",
        stars=5,
        producer=ProducerFactory(producer_kind=Partner.ProducerKind.COOPERATIVE),
        price="80000",
    )
    b = product(
        "Rượu B",
        stars=4,
        group=ProductGroup.BEVERAGES,
        subgroup="alcoholic",
        producer=ProducerFactory(producer_kind=Partner.ProducerKind.ENTERPRISE, **thanh_hoa),
        price="150000",
    )
    c = product(
        "Bánh C",
        stars=3,
        producer=ProducerFactory(producer_kind=Partner.ProducerKind.HOUSEHOLD, **thanh_hoa),
        price="600000",
    )
    d = product(
        "Cao D",
        stars=4,
        group=ProductGroup.HERBS,
        subgroup="herbal_medicine",
        producer=ProducerFactory(producer_kind=Partner.ProducerKind.COOPERATIVE),
        price=None,
    )
    # A held by an open sales point; B's producer has a booth at an upcoming fair, C's at a past one.
    sales_point = SalesPointFactory()
    StockRecord.objects.create(
        product=a, partner=sales_point.partner, partner_sku="SP-A", price=Decimal("85000"), num_in_stock=4
    )
    closed = SalesPointFactory(status="closed")
    StockRecord.objects.create(
        product=c, partner=closed.partner, partner_sku="SP-C", price=Decimal("600000"), num_in_stock=4
    )
    BoothFactory(producer=b.producer)
    past = FairFactory(starts_on=today() - timedelta(days=30))
    BoothFactory(producer=c.producer, fair=past)
    return a, b, c, d


def index_catalogue(engine, catalogue):
    indexed(engine, *catalogue)
    return catalogue


def test_facet_counts_without_a_selection(engine, catalogue):
    index_catalogue(engine, catalogue)

    results = engine.search_products(ProductQuery())

    assert results.total == 4
    assert facet(results, "stars") == {5: (1, False), 4: (2, False), 3: (1, False)}
    assert [count.value for count in results.facets["stars"]] == [5, 4, 3]
    assert facet(results, "group") == {"food": (2, False), "beverages": (1, False), "herbs": (1, False)}
    assert facet(results, "province") == {HA_TINH: (2, False), THANH_HOA: (2, False)}
    assert facet(results, "producer_kind") == {
        "cooperative": (2, False),
        "enterprise": (1, False),
        "household": (1, False),
    }
    assert facet(results, "price") == {"under-100k": (1, False), "100k-200k": (1, False), "500k-1m": (1, False)}
    assert [count.value for count in results.facets["price"]] == ["under-100k", "100k-200k", "500k-1m"]
    assert facet(results, "at_sales_point") == {True: (1, False)}
    assert facet(results, "at_fair") == {True: (1, False)}


def test_each_facet_filters(engine, catalogue):
    a, b, c, d = index_catalogue(engine, catalogue)

    assert sorted(found(engine, stars=(4,))) == sorted([b.pk, d.pk])
    assert sorted(found(engine, groups=("food",))) == sorted([a.pk, c.pk])
    assert sorted(found(engine, provinces=(THANH_HOA,))) == sorted([b.pk, c.pk])
    assert sorted(found(engine, producer_kinds=("cooperative",))) == sorted([a.pk, d.pk])
    assert sorted(found(engine, price_bands=("under-100k", "500k-1m"))) == sorted([a.pk, c.pk])
    assert found(engine, price_bands=("over-1m",)) == []
    assert found(engine, at_sales_point=True) == [a.pk]
    assert found(engine, at_fair=True) == [b.pk]
    # The fair is over on a later day: no product is at a fair then.
    after_the_fair = today() + timedelta(days=40)
    assert found(engine, at_fair=True, day=after_the_fair) == []
    assert sorted(found(engine, at_fair=True, day=today() - timedelta(days=28))) == sorted([b.pk, c.pk])


def test_a_facet_is_counted_with_the_other_facets_applied_not_its_own(engine, catalogue):
    a, b, c, d = index_catalogue(engine, catalogue)

    results = engine.search_products(ProductQuery(stars=(4,)))
    assert sorted(results.product_ids) == sorted([b.pk, d.pk])
    assert facet(results, "stars") == {5: (1, False), 4: (2, True), 3: (1, False)}
    assert facet(results, "group") == {"beverages": (1, False), "herbs": (1, False)}
    assert facet(results, "province") == {HA_TINH: (1, False), THANH_HOA: (1, False)}
    assert facet(results, "at_sales_point") == {}
    assert facet(results, "at_fair") == {True: (1, False)}

    combined = engine.search_products(ProductQuery(stars=(4, 5), provinces=(HA_TINH,)))
    assert sorted(combined.product_ids) == sorted([a.pk, d.pk])
    assert combined.total == 2
    assert facet(combined, "stars") == {5: (1, True), 4: (1, True)}
    assert facet(combined, "province") == {HA_TINH: (2, True), THANH_HOA: (1, False)}
    assert facet(combined, "group") == {"food": (1, False), "herbs": (1, False)}
    assert facet(combined, "price") == {"under-100k": (1, False)}
    assert facet(combined, "at_sales_point") == {True: (1, False)}

    # A selected value with nothing left is shown with a count of 0.
    nothing = engine.search_products(ProductQuery(groups=("tourism",), at_fair=True, provinces=(HA_TINH,)))
    assert nothing.total == 0
    assert facet(nothing, "group") == {"tourism": (0, True)}
    assert facet(nothing, "at_fair") == {True: (0, True)}
    assert facet(nothing, "province") == {HA_TINH: (0, True)}
    assert facet(nothing, "stars") == {}


def test_facets_are_counted_on_the_text_match(engine, catalogue):
    a, *_others = index_catalogue(engine, catalogue)

    results = engine.search_products(ProductQuery(text="mat ong", groups=("beverages",)))

    assert results.total == 0
    assert facet(results, "group") == {"food": (1, False), "beverages": (0, True)}
    assert facet(results, "stars") == {}


def test_category_filters(engine, catalogue):
    a, b, c, d = index_catalogue(engine, catalogue)
    gifts = Category.add_root(name="Quà Tết")
    other = Category.add_root(name="Đặc sản")
    ProductCategory.objects.create(product=a, category=gifts)
    ProductCategory.objects.create(product=d, category=other)
    engine.update_products([a.pk, d.pk])

    assert found(engine, category_ids=(gifts.pk,)) == [a.pk]
    assert sorted(found(engine, category_ids=(gifts.pk, other.pk))) == sorted([a.pk, d.pk])
    assert sorted(found(engine, category_groups=("food", "herbs"))) == sorted([a.pk, c.pk, d.pk])
    assert found(engine, category_subgroup="alcoholic") == [b.pk]
    assert found(engine, category_groups=("food",), category_ids=(other.pk,)) == []
    results = engine.search_products(ProductQuery(category_groups=("food",)))
    assert facet(results, "group") == {"food": (2, False)}

    # Updated again (twice), the entry follows the product's categories.
    ProductCategory.objects.filter(product=a).delete()
    ProductCategory.objects.create(product=a, category=other)
    engine.update_products([a.pk])
    engine.update_products([a.pk, d.pk])
    assert found(engine, category_ids=(gifts.pk,)) == []
    assert sorted(found(engine, category_ids=(other.pk,))) == sorted([a.pk, d.pk])
    assert ProductSearchEntry.objects.count() == 4


# --- sorts and pages -----------------------------------------------------------------------------
def test_relevance_puts_title_then_producer_then_places_then_description(engine):
    in_description = product("Kẹo lạc", stars=5, description="Làm từ mật ong rừng")
    in_producer = product("Sáp nến", stars=5, producer=ProducerFactory(name="HTX Mật ong Vũ Quang"))
    in_title = product("Mật ong hoa cà phê", stars=3)
    in_title_more_stars = product("Mật ong hoa nhãn", stars=4)
    indexed(engine, in_description, in_producer, in_title, in_title_more_stars)

    assert found(engine, text="mat ong") == [in_title_more_stars.pk, in_title.pk, in_producer.pk, in_description.pk]
    assert found(engine, text="mat ong", sort="relevance") == found(engine, text="mat ong")


def test_sorts(engine):
    cheap = product("Mật ong A", stars=3, price="50000")
    dear = product("Mật ong B", stars=5, price="900000")
    unpriced = product("Mật ong C", stars=4, price=None)
    middle = product("Mật ong D", stars=4, price="300000")
    same_price = product("Mật ong E", stars=4, price="300000")
    products = [cheap, dear, unpriced, middle, same_price]
    for days_ago, item in zip([5, 1, 3, 4, 2], products, strict=True):
        Product.objects.filter(pk=item.pk).update(date_created=item.date_created - timedelta(days=days_ago))
    indexed(engine, *products)

    assert found(engine, sort="stars") == [dear.pk, unpriced.pk, middle.pk, same_price.pk, cheap.pk]
    assert found(engine, sort="price_asc") == [cheap.pk, middle.pk, same_price.pk, dear.pk, unpriced.pk]
    assert found(engine, sort="price_desc") == [dear.pk, middle.pk, same_price.pk, cheap.pk, unpriced.pk]
    assert found(engine, sort="newest") == [dear.pk, same_price.pk, unpriced.pk, middle.pk, cheap.pk]
    assert found(engine, text="mat ong", sort="relevance") == [dear.pk, unpriced.pk, middle.pk, same_price.pk, cheap.pk]


def test_pages_follow_each_other_without_gaps_or_repeats(engine):
    products = [product(f"Nước mắm loại {n}", stars=4) for n in range(7)]
    indexed(engine, *products)

    for sort in ("relevance", "stars", "price_asc", "newest"):
        everything = found(engine, text="nuoc mam", sort=sort, per_page=50)
        pages = [found(engine, text="nuoc mam", sort=sort, page=page, per_page=3) for page in (1, 2, 3)]
        assert [len(page) for page in pages] == [3, 3, 1]
        assert sum(pages, []) == everything
        assert sorted(everything) == sorted(item.pk for item in products)
    # Equal scores and stars: the product id decides, so the order is the same on every call.
    assert found(engine, text="nuoc mam") == sorted(item.pk for item in products)
    results = engine.search_products(ProductQuery(text="nuoc mam", page=3, per_page=3))
    assert results.total == 7
    assert results.engine == "database"
    assert found(engine, text="nuoc mam", page=4, per_page=3) == []


# --- when nothing matches, and as the buyer types -------------------------------------------------
def test_a_suggestion_when_nothing_matches(engine):
    fish_sauce = indexed(engine, certified_product(title="Nước mắm Cửa Hội"))[0]

    results = engine.search_products(ProductQuery(text="nuoc mma"))  # "mma": too short for the typo rule
    assert results.total == 0
    assert results.suggestion == "nuoc mam"
    assert found(engine, text=results.suggestion) == [fish_sauce.pk]

    assert engine.search_products(ProductQuery(text="xyzxyz qwqwqw")).suggestion == ""
    # Every word is known, they just never meet: nothing to correct.
    indexed(engine, certified_product(title="Cam Vũ Quang"))
    assert engine.search_products(ProductQuery(text="nuoc mam cam")).suggestion == ""
    # Something matched: no suggestion.
    assert engine.search_products(ProductQuery(text="nuoc mam")).suggestion == ""


def test_suggestions_as_the_buyer_types(engine):
    producer = ProducerFactory(name="HTX Mật ong Hương Sơn")
    honey = product("Mật ong rừng Hương Sơn", stars=5, producer=producer)
    other_honey = product("Mật ong bạc hà", stars=4)
    indexed(engine, honey, other_honey, certified_product(title="Nước mắm"))

    suggestions = engine.suggest("mat o")
    assert [(item.kind, item.text) for item in suggestions] == [
        ("product", "Mật ong rừng Hương Sơn"),
        ("product", "Mật ong bạc hà"),
        ("producer", "HTX Mật ong Hương Sơn"),
    ]
    assert suggestions[0].url == honey.get_absolute_url()
    assert suggestions[2].url == reverse("partner:producer-detail", kwargs={"code": producer.code})

    province = engine.suggest("Hà T")
    assert [(item.kind, item.text) for item in province] == [("province", "Hà Tĩnh")]
    assert province[0].url == reverse("catalogue:index") + f"?province={HA_TINH}"

    assert len(engine.suggest("mat o", limit=2)) == 2
    assert engine.suggest("") == []
    assert engine.suggest("xyz") == []


# --- indexing ------------------------------------------------------------------------------------
def test_rebuild_indexes_every_product_for_sale_and_reports_progress(engine, catalogue):
    import search.engines.database as database

    a, b, c, d = catalogue
    not_for_sale = certified_product(stars=2, title="Hai sao")
    hidden = indexed(engine, certified_product(title="Đã ẩn"))[0]
    Product.objects.filter(pk=hidden.pk).update(is_public=False)
    calls = []
    original_chunk = database.REBUILD_CHUNK
    database.REBUILD_CHUNK = 2
    try:
        count = engine.rebuild(progress=lambda done, total: calls.append((done, total)))
    finally:
        database.REBUILD_CHUNK = original_chunk

    assert count == 4
    assert calls == [(0, 6), (2, 6), (4, 6), (6, 6)]
    fingerprints = engine.indexed_fingerprints()
    assert set(fingerprints) == {a.pk, b.pk, c.pk, d.pk}
    assert not_for_sale.pk not in fingerprints and hidden.pk not in fingerprints
    records = {record.product_id: record for record in product_records([a.pk, b.pk, c.pk, d.pk])}
    assert fingerprints == {pk: record.fingerprint for pk, record in records.items()}
    assert engine.search_products(ProductQuery()).total == 4

    # A change in the database shows as a different fingerprint until the product is updated.
    Product.objects.filter(pk=a.pk).update(title="Mật ong A mới")
    assert product_records([a.pk])[0].fingerprint != engine.indexed_fingerprints()[a.pk]
    engine.update_products([a.pk])
    assert product_records([a.pk])[0].fingerprint == engine.indexed_fingerprints()[a.pk]
    assert found(engine, text="moi") == [a.pk]


def test_a_search_takes_two_queries_whatever_the_number_of_products(engine, catalogue, django_assert_num_queries):
    index_catalogue(engine, catalogue)
    vocabulary()  # computed once, then read from the cache

    with django_assert_num_queries(2):  # the grouped count (total and facets), the page
        results = engine.search_products(
            ProductQuery(text="mat ong thuc pham", stars=(5, 4), provinces=(HA_TINH,), price_bands=("under-100k",))
        )
    assert results.total == 1
    with django_assert_num_queries(2):
        assert engine.search_products(ProductQuery(sort="price_asc", per_page=2)).total == 4
