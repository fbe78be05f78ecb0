"""The contract of a search engine (search.engines.base), run against each engine in turn: the
database engine, and Elasticsearch (osmem-server, or the Elasticsearch of ELASTICSEARCH_URL).

Whatever one engine answers, the other answers alike: a buyer who lands on the database engine
when Elasticsearch is down sees the same products, counts and order.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from catalog.groups import ProductGroup
from catalog.models import Category, OcopCertificate, Product, ProductCategory, today
from search.engines.base import ProductQuery
from search.records import product_records
from tests.factories import HA_TINH, THANH_HOA, ProducerFactory, ProductFactory
from tests.integration.search.shelf import product

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(engine, catalogue):
    assert engine.rebuild() == len(catalogue)
    return catalogue


def ids(*items):
    return tuple(item.pk for item in items)


def found(engine, text="", **fields):
    return set(engine.search_products(ProductQuery(text=text, **fields)).product_ids)


def in_order(engine, text="", **fields):
    return engine.search_products(ProductQuery(text=text, **fields)).product_ids


def counts(results, facet):
    return {facet_count.value: (facet_count.count, facet_count.selected) for facet_count in results.facets[facet]}


def update(engine, *items):
    engine.update_products([item.pk for item in items])
    return items


# --- text ----------------------------------------------------------------------------------------
def test_folding_without_diacritics_in_any_case_and_d_stroke(engine, indexed):
    assert found(engine, "dau phu") == {indexed["dau_phu"].pk}
    assert found(engine, "ĐẬU PHỤ") == {indexed["dau_phu"].pk}
    assert found(engine, "đậu phụ lang mia") == {indexed["dau_phu"].pk}
    # The tofu's producer is "HTX Nước mắm Cửa Hội": every word matches there too.
    assert found(engine, "nuoc mam cua hoi") == {indexed["nuoc_mam"].pk, indexed["dau_phu"].pk}
    assert found(engine, "NƯỚC MẮM lang mia") == {indexed["dau_phu"].pk}


def test_every_word_must_match_in_some_field(engine, indexed):
    # "vu quang" is in the title and the producer's name of one, the producer's name of the other.
    assert found(engine, "mat ong vu quang") == {indexed["mat_ong"].pk, indexed["mat_ong_hoa"].pk}
    # "hoa" only in one title; "ha tinh" the province of both.
    assert found(engine, "mat ong hoa ha tinh") == {indexed["mat_ong_hoa"].pk}
    assert found(engine, "mat ong thanh hoa") == set()
    assert found(engine, "dau mam xyz") == set()


def test_words_match_in_producer_places_group_and_description(engine):
    honey = product(
        "Mật ong rừng",
        producer=ProducerFactory(name="HTX Hương Sơn"),
        description="<p>Thu hoạch mùa xuân</p>",
        subgroup="fresh_produce",
    )
    update(engine, honey, product("Cam Vũ Quang", subgroup="fresh_produce"))

    # The producer, the province and the commune (tests.factories.HA_TINH_WARD is in Vũ Quang).
    assert found(engine, "mat ong huong son ha tinh vu quang") == {honey.pk}
    # The group and sub-group, in Vietnamese and in English.
    assert found(engine, "mật ong thực phẩm nông sản tươi") == {honey.pk}
    assert found(engine, "fresh produce mat ong") == {honey.pk}
    assert found(engine, "honey mat ong") == set()  # "honey" is in no field
    assert found(engine, "mat ong mua xuan") == {honey.pk}


def test_whole_words_match_not_parts_of_words(engine):
    (rice_paper,) = update(engine, product("Bánh tráng", subgroup="fresh_produce"))

    assert found(engine, "trang") == {rice_paper.pk}
    assert found(engine, "banh tr") == set()


def test_one_typo_is_tolerated_in_words_of_four_letters_or_more(engine, indexed):
    assert in_order(engine, "nuoc mamm") == ids(indexed["nuoc_mam"], indexed["dau_phu"])  # in the title first
    assert found(engine, "nuoc mamm lang mia") == {indexed["dau_phu"].pk}
    assert found(engine, "nhumg huou") == {indexed["nhung"].pk}
    assert found(engine, "nouc mam cua hoi") == {indexed["nuoc_mam"].pk, indexed["dau_phu"].pk}  # two letters swapped
    # Two typos in one word are too many.
    assert found(engine, "nuoc mxxm") == set()
    assert found(engine, "nuoc mammmm") == set()


def test_a_word_of_a_synonym_set_finds_the_others(engine, indexed):
    assert found(engine, "nhung nai") == {indexed["nhung"].pk}
    assert found(engine, "trà xanh") == {indexed["che"].pk}
    assert found(engine, "tra nhu xuan") == {indexed["che"].pk}
    # "trà" gives "chè", which folds as "chế" of the sub-group "Thực phẩm chế biến": the title first.
    assert in_order(engine, "tra")[0] == indexed["che"].pk
    # A phrase of a set: "thịt lợn" finds "thịt heo"; "nhung" alone is a word, not the phrase.
    (pork,) = update(engine, product("Thịt heo rừng", subgroup="fresh_produce"))
    assert found(engine, "thit lon") == {pork.pk}
    assert found(engine, "nhung") == {indexed["nhung"].pk}


# --- ranking -------------------------------------------------------------------------------------
def test_the_title_ranks_first_then_the_producer_then_the_description_stars_breaking_ties(engine):
    in_description = product("Kẹo lạc", stars=5, description="Làm từ mật ong rừng")
    in_producer = product("Sáp nến", stars=5, producer=ProducerFactory(name="HTX Mật ong Vũ Quang"))
    in_title = product("Mật ong hoa cà phê", stars=3)
    in_title_more_stars = product("Mật ong hoa nhãn", stars=4)
    update(engine, in_description, in_producer, in_title, in_title_more_stars)

    assert in_order(engine, "mat ong") == ids(in_title_more_stars, in_title, in_producer, in_description)
    assert in_order(engine, "mat ong", sort="relevance") == in_order(engine, "mat ong")


# --- when nothing matches ------------------------------------------------------------------------
def test_the_closest_query_is_suggested_when_nothing_matches(engine, indexed):
    # Two typos in each word: too far for the search, not for the suggestion.
    results = engine.search_products(ProductQuery(text="nhxnk hwxu"))
    assert (results.total, results.product_ids) == (0, ())
    assert results.suggestion == "nhung huou"
    assert found(engine, "nhung huou") == {indexed["nhung"].pk}
    # "mma" is too short for the typo rule of the search, not for the suggestion.
    assert engine.search_products(ProductQuery(text="nuoc mma")).suggestion == "nuoc mam"
    # Only a suggestion that finds something where the buyer is looking; facets aside.
    assert engine.search_products(ProductQuery(text="nhxnk hwxu", category_groups=("food",))).suggestion == ""
    assert engine.search_products(ProductQuery(text="nhxnk hwxu", stars=(5,))).suggestion == "nhung huou"
    assert engine.search_products(ProductQuery(text="zzzzqqq")).suggestion == ""
    # Something matched: no suggestion.
    assert engine.search_products(ProductQuery(text="mat ong")).suggestion == ""


# --- for sale on the day -------------------------------------------------------------------------
def test_a_lapsed_certificate_drops_its_product_on_the_day_not_at_the_next_reindex(engine, catalogue):
    lapsed = product(
        "Mật ong bạc hà", decision_date=today() - timedelta(days=400), valid_until=today() - timedelta(days=1)
    )
    lasting = product("Mật ong bạc hà Đồng Văn", valid_until=today())
    engine.rebuild()

    # Indexed (its record is searchable) but never found after its last day, nor counted.
    assert lapsed.pk in engine.indexed_fingerprints()
    assert found(engine, "bac ha") == {lasting.pk}
    assert lapsed.pk not in found(engine)
    results = engine.search_products(ProductQuery(text="mat ong bac ha"))
    assert results.total == 1
    assert counts(results, "stars") == {4: (1, False)}
    assert [s.text for s in engine.suggest("mat ong bac") if s.kind == "product"] == ["Mật ong bạc hà Đồng Văn"]
    # The clock moved back to its last day, it is found again; moved to tomorrow, neither is.
    yesterday = today() - timedelta(days=1)
    assert found(engine, "bac ha", day=yesterday) == {lapsed.pk, lasting.pk}
    assert {s.text for s in engine.suggest("mat ong bac", day=yesterday) if s.kind == "product"} == {
        "Mật ong bạc hà",
        "Mật ong bạc hà Đồng Văn",
    }
    assert found(engine, "bac ha", day=today() + timedelta(days=1)) == set()


def test_hidden_and_withdrawn_products_are_removed_by_update_products(engine):
    hidden, withdrawn, kept = update(engine, product("Mật ong A"), product("Mật ong B"), product("Mật ong C"))
    assert len(found(engine, "mat ong")) == 3

    Product.objects.filter(pk=hidden.pk).update(is_public=False)
    OcopCertificate.objects.filter(pk=withdrawn.certificate_id).update(
        status=OcopCertificate.Status.WITHDRAWN, withdrawn_on=today()
    )
    engine.update_products([hidden.pk, withdrawn.pk, kept.pk, 999_999])

    assert found(engine, "mat ong") == {kept.pk}
    assert set(engine.indexed_fingerprints()) == {kept.pk}


def test_products_that_are_not_for_sale_are_never_indexed(engine):
    two_stars = product("Mật ong hai sao", stars=2)
    uncertified = ProductFactory(title="Mật ong chưa chứng nhận")
    update(engine, two_stars, uncertified)

    assert engine.indexed_fingerprints() == {}
    assert found(engine, "mat ong") == set()
    assert engine.suggest("mat ong") == []
    assert engine.rebuild() == 0


# --- facets --------------------------------------------------------------------------------------
def test_facet_counts_without_any_selection(engine, indexed):
    results = engine.search_products(ProductQuery())
    assert results.total == 6
    assert counts(results, "stars") == {5: (1, False), 4: (3, False), 3: (2, False)}
    assert [count.value for count in results.facets["stars"]] == [5, 4, 3]
    assert counts(results, "group") == {"food": (5, False), "herbs": (1, False)}
    assert counts(results, "province") == {HA_TINH: (5, False), THANH_HOA: (1, False)}
    assert counts(results, "producer_kind") == {
        "cooperative": (3, False),
        "household": (2, False),
        "enterprise": (1, False),
    }
    # The tea has no price: in no band. The bands in their order.
    assert counts(results, "price") == {
        "under-100k": (2, False),
        "100k-200k": (1, False),
        "200k-500k": (1, False),
        "over-1m": (1, False),
    }
    assert [count.value for count in results.facets["price"]] == ["under-100k", "100k-200k", "200k-500k", "over-1m"]
    # The antler is held by a closed sales point only: not counted.
    assert counts(results, "at_sales_point") == {True: (1, False)}
    # Cửa Hội's fair is over: only Vũ Quang's two products are at a fair.
    assert counts(results, "at_fair") == {True: (2, False)}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"stars": (3,)}, {"mat_ong_hoa", "dau_phu"}),
        ({"groups": ("herbs",)}, {"nhung"}),
        ({"provinces": (THANH_HOA,)}, {"che"}),
        ({"producer_kinds": ("household",)}, {"mat_ong", "mat_ong_hoa"}),
        ({"price_bands": ("under-100k",)}, {"mat_ong_hoa", "dau_phu"}),
        ({"price_bands": ("over-1m",)}, {"nhung"}),
        ({"price_bands": ("500k-1m",)}, set()),
        ({"at_sales_point": True}, {"mat_ong"}),
        ({"at_fair": True}, {"mat_ong", "mat_ong_hoa"}),
        # On a day of Cửa Hội's fair, its products are at a fair too.
        ({"at_fair": True, "day": today() - timedelta(days=28)}, {"mat_ong", "mat_ong_hoa", "nuoc_mam", "dau_phu"}),
        # After Vũ Quang's fair, no product is.
        ({"at_fair": True, "day": today() + timedelta(days=40)}, set()),
    ],
)
def test_each_facet_narrows(engine, indexed, fields, expected):
    results = engine.search_products(ProductQuery(**fields))
    assert set(results.product_ids) == {indexed[name].pk for name in expected}
    assert results.total == len(expected)


def test_facets_combine_and_across_or_inside_counting_without_their_own(engine, indexed):
    query = ProductQuery(
        stars=(3, 5), producer_kinds=("cooperative",), price_bands=("under-100k", "100k-200k", "500k-1m")
    )
    results = engine.search_products(query)
    # 3 or 5 stars, and a cooperative, and under 200,000 ₫.
    assert set(results.product_ids) == set(ids(indexed["nuoc_mam"], indexed["dau_phu"]))
    assert results.total == 2
    # Stars counted with the kind and price applied, not the stars: the honey of 3★ is a household's.
    assert counts(results, "stars") == {5: (1, True), 3: (1, True)}
    # Kinds counted with stars and price applied: the household's 3★ honey at 90,000 ₫ counts.
    assert counts(results, "producer_kind") == {"cooperative": (2, True), "household": (1, False)}
    # Price counted with stars and kind: an empty selected band stays, with 0.
    assert counts(results, "price") == {"under-100k": (1, True), "100k-200k": (1, True), "500k-1m": (0, True)}
    # Other facets: everything selected applied.
    assert counts(results, "province") == {HA_TINH: (2, False)}
    assert counts(results, "at_fair") == {}

    with_text = engine.search_products(ProductQuery(text="mat ong", stars=(4,), at_fair=True))
    assert with_text.product_ids == ids(indexed["mat_ong"])
    assert counts(with_text, "stars") == {4: (1, True), 3: (1, False)}
    assert counts(with_text, "at_fair") == {True: (1, True)}


def test_facets_are_counted_on_the_text_match_and_selected_values_stay_at_zero(engine, indexed):
    results = engine.search_products(ProductQuery(text="mat ong", groups=("herbs",), provinces=(THANH_HOA,)))

    assert results.total == 0
    assert counts(results, "group") == {"herbs": (0, True)}
    assert counts(results, "province") == {THANH_HOA: (0, True)}
    assert counts(results, "stars") == {}

    honey = engine.search_products(ProductQuery(text="mat ong", groups=("herbs",)))
    assert counts(honey, "group") == {"food": (2, False), "herbs": (0, True)}
    assert counts(honey, "stars") == {}


def test_category_filters(engine, indexed):
    gifts = Category.add_root(name="Quà Tết")
    specialities = Category.add_root(name="Đặc sản")
    ProductCategory.objects.create(product=indexed["mat_ong"], category=gifts)
    ProductCategory.objects.create(product=indexed["nhung"], category=specialities)
    update(engine, indexed["mat_ong"], indexed["nhung"])

    assert found(engine, category_groups=("herbs",)) == {indexed["nhung"].pk}
    assert found(engine, category_subgroup="tea") == {indexed["che"].pk}
    assert found(engine, "mat ong", category_subgroup="tea") == set()
    assert found(engine, category_ids=(gifts.pk,)) == {indexed["mat_ong"].pk}
    assert found(engine, category_ids=(gifts.pk, specialities.pk)) == set(ids(indexed["mat_ong"], indexed["nhung"]))
    assert found(engine, category_groups=("food",), category_ids=(specialities.pk,)) == set()
    # Facets are counted within the category.
    assert counts(engine.search_products(ProductQuery(category_groups=("herbs",))), "group") == {"herbs": (1, False)}

    # Updated again (twice), the index follows the product's categories.
    ProductCategory.objects.filter(product=indexed["mat_ong"]).delete()
    ProductCategory.objects.create(product=indexed["mat_ong"], category=specialities)
    update(engine, indexed["mat_ong"])
    update(engine, indexed["mat_ong"], indexed["nhung"])
    assert found(engine, category_ids=(gifts.pk,)) == set()
    assert found(engine, category_ids=(specialities.pk,)) == set(ids(indexed["mat_ong"], indexed["nhung"]))


# --- sorts and pages -----------------------------------------------------------------------------
def test_sorts(engine, indexed):
    i = indexed
    # Stars, then the folded title (c < m < n).
    assert in_order(engine, sort="stars") == ids(
        i["nuoc_mam"], i["che"], i["mat_ong"], i["nhung"], i["dau_phu"], i["mat_ong_hoa"]
    )
    # The tea has no price: last both ways.
    assert in_order(engine, sort="price_asc") == ids(
        i["dau_phu"], i["mat_ong_hoa"], i["nuoc_mam"], i["mat_ong"], i["nhung"], i["che"]
    )
    assert in_order(engine, sort="price_desc") == ids(
        i["nhung"], i["mat_ong"], i["nuoc_mam"], i["mat_ong_hoa"], i["dau_phu"], i["che"]
    )
    assert in_order(engine, sort="newest") == tuple(sorted(ids(*i.values()), reverse=True))
    # Without text every score is the same: stars, then the id.
    assert in_order(engine, sort="relevance") == ids(
        i["nuoc_mam"], i["mat_ong"], i["nhung"], i["che"], i["mat_ong_hoa"], i["dau_phu"]
    )


@pytest.mark.parametrize("sort", ["relevance", "stars", "price_asc", "price_desc", "newest"])
def test_pages_do_not_shift(engine, indexed, sort):
    everything = engine.search_products(ProductQuery(sort=sort, per_page=24))
    pages = [engine.search_products(ProductQuery(sort=sort, page=page, per_page=4)) for page in (1, 2, 3)]
    assert [page.total for page in pages] == [6, 6, 6]
    assert pages[0].product_ids + pages[1].product_ids == everything.product_ids
    assert len(pages[0].product_ids) == 4
    assert pages[2].product_ids == ()
    assert pages[0].facets == pages[1].facets == everything.facets


def test_equal_products_are_paged_by_id_on_every_call(engine):
    products = update(engine, *(product(f"Nước mắm loại {n}", stars=4) for n in range(7)))

    for sort in ("relevance", "stars", "price_asc", "newest"):
        everything = in_order(engine, "nuoc mam", sort=sort, per_page=50)
        pages = [in_order(engine, "nuoc mam", sort=sort, page=page, per_page=3) for page in (1, 2, 3)]
        assert [len(page) for page in pages] == [3, 3, 1]
        assert sum(pages, ()) == everything
    assert in_order(engine, "nuoc mam") == tuple(sorted(ids(*products)))
    results = engine.search_products(ProductQuery(text="nuoc mam", page=3, per_page=3))
    assert results.total == 7
    assert results.engine == engine.name
    assert in_order(engine, "nuoc mam", page=4, per_page=3) == ()


# --- suggestions as the buyer types --------------------------------------------------------------
def test_suggest_products_producers_and_provinces(engine, indexed):
    suggestions = engine.suggest("mat o")
    products = [s for s in suggestions if s.kind == "product"]
    # Both titles start with "mat o": by stars.
    assert [(s.text, s.url) for s in products] == [
        ("Mật ong rừng Vũ Quang", indexed["mat_ong"].get_absolute_url()),
        ("Mật ong hoa cà phê", indexed["mat_ong_hoa"].get_absolute_url()),
    ]
    assert suggestions[:2] == products
    # A title that starts with the words typed comes before one that only has them, stars aside.
    update(engine, product("Hoa quả sấy Vũ Quang", stars=3))
    assert [s.text for s in engine.suggest("hoa") if s.kind == "product"] == [
        "Hoa quả sấy Vũ Quang",
        "Mật ong hoa cà phê",
    ]

    suggestions = engine.suggest("nuoc mam")
    assert (suggestions[0].kind, suggestions[0].text) == ("product", "Nước mắm Cửa Hội")
    producer = indexed["nuoc_mam"].producer
    assert ("producer", "HTX Nước mắm Cửa Hội", producer.get_absolute_url()) in [
        (s.kind, s.text, s.url) for s in suggestions
    ]
    assert producer.get_absolute_url() == reverse("partner:producer-detail", kwargs={"code": producer.code})

    provinces = [s for s in engine.suggest("thanh h") if s.kind == "province"]
    assert [(s.text, s.url) for s in provinces] == [("Thanh Hóa", f"{reverse('catalogue:index')}?province={THANH_HOA}")]
    assert [(s.kind, s.text) for s in engine.suggest("Hà T")] == [("province", "Hà Tĩnh")]
    assert engine.suggest("zzzz") == []
    assert engine.suggest("") == []
    assert len(engine.suggest("m", limit=2)) == 2


# --- indexing ------------------------------------------------------------------------------------
def test_update_products_indexes_and_removes_and_is_safe_to_run_again(engine, indexed):
    hidden = indexed["dau_phu"]
    hidden.is_public = False
    hidden.save()
    new = product("Đậu phộng rang muối")
    engine.update_products([hidden.pk, new.pk, 999_999])
    assert found(engine, "dau") == {new.pk}
    assert hidden.pk not in engine.indexed_fingerprints()

    engine.update_products([hidden.pk, new.pk])
    assert found(engine, "dau") == {new.pk}
    new_pk = new.pk
    new.delete()
    engine.update_products([new_pk])
    assert found(engine, "dau") == set()


def test_a_variant_is_searched_as_its_parent(engine):
    parent = product("Nước mắm Cửa Hội", price=None)
    Product.objects.filter(pk=parent.pk).update(structure=Product.PARENT)
    variant = ProductFactory(title="Nước mắm Cửa Hội – chai 1 lít", parent=parent, structure=Product.CHILD, stock=False)
    variant.stockrecords.create(partner=parent.producer, partner_sku="V-1", price=180_000, num_in_stock=3)
    update(engine, parent)

    results = engine.search_products(ProductQuery(text="nuoc mam"))
    assert results.product_ids == ids(parent)
    assert counts(results, "price") == {"100k-200k": (1, False)}


def test_rebuild_indexes_every_product_for_sale_and_reports_progress(engine, catalogue):
    not_for_sale = product("Hai sao", stars=2)
    hidden = update(engine, product("Đã ẩn"))[0]
    Product.objects.filter(pk=hidden.pk).update(is_public=False)
    seen = []

    assert engine.rebuild(progress=lambda done, total: seen.append((done, total))) == 6

    assert seen[-1][0] == seen[-1][1] >= 6
    fingerprints = engine.indexed_fingerprints()
    assert not_for_sale.pk not in fingerprints and hidden.pk not in fingerprints
    records = product_records([item.pk for item in catalogue.values()])
    assert fingerprints == {record.product_id: record.fingerprint for record in records}
    assert engine.search_products(ProductQuery()).total == 6

    # A change in the database shows as a different fingerprint until the product is updated.
    honey = catalogue["mat_ong"]
    Product.objects.filter(pk=honey.pk).update(title="Mật ong rừng mới")
    assert product_records([honey.pk])[0].fingerprint != engine.indexed_fingerprints()[honey.pk]
    update(engine, honey)
    assert product_records([honey.pk])[0].fingerprint == engine.indexed_fingerprints()[honey.pk]
    assert found(engine, "moi") == {honey.pk}


def test_a_group_is_searchable_by_its_label(engine):
    (wine,) = update(engine, product("Rượu Kim Long", group=ProductGroup.BEVERAGES, subgroup="alcoholic"))
    assert found(engine, "ruou do uong") == {wine.pk}
    assert found(engine, "beverages kim long") == {wine.pk}
