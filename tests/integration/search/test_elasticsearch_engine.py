"""The Elasticsearch engine against a real server: osmem-server, or the Elasticsearch of
ELASTICSEARCH_URL when it is set (see conftest.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.groups import ProductGroup
from catalog.models import today
from search.engines.base import ProductQuery
from shop.partner.models import Partner, StockRecord
from tests.factories import (
    HA_TINH,
    THANH_HOA,
    THANH_HOA_WARD,
    BoothFactory,
    CertificateFactory,
    ProducerFactory,
    ProductFactory,
    SalesPointFactory,
)

pytestmark = pytest.mark.django_db


def product(
    title, *, stars=4, price=250_000, producer=None, group=ProductGroup.FOOD, subgroup="processed_food", **cert
):
    """A product for sale today, with its producer's stock record at ``price`` (None: no stock record)."""
    fields = {"title": title, "stock": (Decimal(price), 20) if price is not None else False}
    if producer is not None:
        fields["producer"] = producer
    item = ProductFactory(**fields)
    CertificateFactory(product=item, stars=stars, group=group, subgroup=subgroup, **cert)
    item.refresh_from_db()
    return item


def at_sales_point(item):
    """``item`` in stock at a new open sales point."""
    sales_point = SalesPointFactory()
    StockRecord.objects.create(
        product=item,
        partner=sales_point.partner,
        partner_sku=f"SP-{item.pk}",
        price=Decimal(300_000),
        price_currency="VND",
        num_in_stock=5,
    )
    return sales_point


@pytest.fixture
def catalogue():
    """A small catalogue: Hà Tĩnh products and one from Thanh Hóa, of every kind the facets count."""
    cua_hoi = ProducerFactory(name="HTX Nước mắm Cửa Hội", producer_kind=Partner.ProducerKind.COOPERATIVE)
    vu_quang = ProducerFactory(name="Hộ kinh doanh Ong Vũ Quang", producer_kind=Partner.ProducerKind.HOUSEHOLD)
    huong_son = ProducerFactory(name="Công ty Dược liệu Hương Sơn", producer_kind=Partner.ProducerKind.ENTERPRISE)
    thanh_hoa = ProducerFactory(
        name="HTX Chè Như Xuân",
        producer_kind=Partner.ProducerKind.COOPERATIVE,
        province_code=THANH_HOA,
        ward_code=THANH_HOA_WARD,
    )
    items = {
        "nuoc_mam": product("Nước mắm Cửa Hội", stars=5, price=150_000, producer=cua_hoi, subgroup="condiments"),
        "mat_ong": product("Mật ong rừng Vũ Quang", stars=4, price=250_000, producer=vu_quang),
        "mat_ong_hoa": product("Mật ong hoa cà phê", stars=3, price=90_000, producer=vu_quang),
        "dau_phu": product("Đậu phụ làng Mía", stars=3, price=40_000, producer=cua_hoi),
        "nhung": product(
            "Nhung hươu Hương Sơn",
            stars=4,
            price=1_200_000,
            producer=huong_son,
            group=ProductGroup.HERBS,
            subgroup="herbal_food",
        ),
        "che": product("Chè xanh Như Xuân", stars=4, price=None, producer=thanh_hoa, subgroup="tea"),
    }
    at_sales_point(items["mat_ong"])
    BoothFactory(producer=vu_quang)  # a fair in 20 days: both of Vũ Quang's products are "at a fair"
    BoothFactory(
        producer=cua_hoi, fair__starts_on=today() - timedelta(days=30), fair__ends_on=today() - timedelta(days=25)
    )
    return items


@pytest.fixture
def indexed(es_engine, catalogue):
    assert es_engine.rebuild() == len(catalogue)
    return catalogue


def ids(*items):
    return tuple(item.pk for item in items)


def found(engine, text="", **fields):
    return set(engine.search_products(ProductQuery(text=text, **fields)).product_ids)


def counts(results, facet):
    return {facet_count.value: (facet_count.count, facet_count.selected) for facet_count in results.facets[facet]}


# --- text --------------------------------------------------------------------------------------
def test_folding_without_diacritics_and_with_d_stroke(es_engine, indexed):
    assert found(es_engine, "dau phu") == {indexed["dau_phu"].pk}
    assert found(es_engine, "ĐẬU PHỤ") == {indexed["dau_phu"].pk}
    # The tofu's producer is "HTX Nước mắm Cửa Hội": every word matches there too.
    assert found(es_engine, "nuoc mam cua hoi") == {indexed["nuoc_mam"].pk, indexed["dau_phu"].pk}
    assert found(es_engine, "NƯỚC MẮM lang mia") == {indexed["dau_phu"].pk}


def test_every_word_must_match_in_some_field(es_engine, indexed):
    # "vu quang" is in the title and the producer's name of one, the producer's name of the other.
    assert found(es_engine, "mat ong vu quang") == {indexed["mat_ong"].pk, indexed["mat_ong_hoa"].pk}
    # "hoa" only in one title; "ha tinh" the province of both.
    assert found(es_engine, "mat ong hoa ha tinh") == {indexed["mat_ong_hoa"].pk}
    assert found(es_engine, "mat ong thanh hoa") == set()


def test_one_typo_is_tolerated(es_engine, indexed):
    results = es_engine.search_products(ProductQuery(text="nuoc mamm"))
    assert results.product_ids == ids(indexed["nuoc_mam"], indexed["dau_phu"])  # in the title first
    assert found(es_engine, "nuoc mamm lang mia") == {indexed["dau_phu"].pk}
    assert found(es_engine, "nhumg huou") == {indexed["nhung"].pk}
    # Two typos in a short word are not.
    assert found(es_engine, "nuoc mxxm") == set()


def test_synonyms(es_engine, indexed):
    assert found(es_engine, "nhung nai") == {indexed["nhung"].pk}
    assert found(es_engine, "trà xanh") == {indexed["che"].pk}
    assert found(es_engine, "tra nhu xuan") == {indexed["che"].pk}
    # "trà" gives "chè", which folds as "chế" of the sub-group "Thực phẩm chế biến": the title first.
    assert es_engine.search_products(ProductQuery(text="tra")).product_ids[0] == indexed["che"].pk


def test_title_ranks_first_and_stars_break_ties(es_engine, indexed):
    results = es_engine.search_products(ProductQuery(text="mat ong"))
    assert results.product_ids[:2] == ids(indexed["mat_ong"], indexed["mat_ong_hoa"])
    results = es_engine.search_products(ProductQuery(text="cua hoi"))
    # In the title of the fish sauce, only in the producer's name of the tofu.
    assert results.product_ids == ids(indexed["nuoc_mam"], indexed["dau_phu"])


def test_suggestion_when_nothing_matches(es_engine, indexed):
    # Two typos in each word: too far for the search, not for the suggestion.
    results = es_engine.search_products(ProductQuery(text="nhxnk hwxu"))
    assert results.total == 0
    assert results.product_ids == ()
    assert results.suggestion == "nhung huou"
    assert es_engine.search_products(ProductQuery(text="nhung huou")).total == 1
    # Only a suggestion that finds something where the buyer is looking; facets aside.
    assert es_engine.search_products(ProductQuery(text="nhxnk hwxu", category_groups=("food",))).suggestion == ""
    assert es_engine.search_products(ProductQuery(text="nhxnk hwxu", stars=(5,))).suggestion == "nhung huou"
    assert es_engine.search_products(ProductQuery(text="zzzzqqq")).suggestion == ""
    assert es_engine.search_products(ProductQuery(text="mat ong")).suggestion == ""


# --- for sale on the day -------------------------------------------------------------------------
def test_a_lapsed_certificate_drops_its_product_on_the_day(es_engine, catalogue):
    lapsed = product(
        "Mật ong bạc hà", decision_date=today() - timedelta(days=400), valid_until=today() - timedelta(days=1)
    )
    lasting = product("Mật ong bạc hà Đồng Văn", valid_until=today())
    es_engine.rebuild()
    # Indexed (its record is searchable) but never found after its last day.
    assert lapsed.pk in es_engine.indexed_fingerprints()
    assert found(es_engine, "bac ha") == {lasting.pk}
    assert lapsed.pk not in found(es_engine)
    assert (
        es_engine.search_products(ProductQuery(text="mat ong bac ha")).facets["stars"]
        == (es_engine.search_products(ProductQuery(text="mat ong bac ha dong van")).facets["stars"])
    )
    # The clock moved back to its last day, it is found again; moved to tomorrow, neither is.
    assert found(es_engine, "bac ha", day=today() - timedelta(days=1)) == {lapsed.pk, lasting.pk}
    assert found(es_engine, "bac ha", day=today() + timedelta(days=1)) == set()
    assert all(s.text != "Mật ong bạc hà" for s in es_engine.suggest("mat ong bac", limit=8))


# --- facets --------------------------------------------------------------------------------------
def test_facet_counts_without_any_selection(es_engine, indexed):
    results = es_engine.search_products(ProductQuery())
    assert results.total == 6
    assert counts(results, "stars") == {5: (1, False), 4: (3, False), 3: (2, False)}
    assert counts(results, "group") == {"food": (5, False), "herbs": (1, False)}
    assert counts(results, "province") == {HA_TINH: (5, False), THANH_HOA: (1, False)}
    assert counts(results, "producer_kind") == {
        "cooperative": (3, False),
        "household": (2, False),
        "enterprise": (1, False),
    }
    # The tea has no price: in no band.
    assert counts(results, "price") == {
        "under-100k": (2, False),
        "100k-200k": (1, False),
        "200k-500k": (1, False),
        "over-1m": (1, False),
    }
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
        ({"at_sales_point": True}, {"mat_ong"}),
        ({"at_fair": True}, {"mat_ong", "mat_ong_hoa"}),
    ],
)
def test_each_facet_narrows(es_engine, indexed, fields, expected):
    results = es_engine.search_products(ProductQuery(**fields))
    assert set(results.product_ids) == {indexed[name].pk for name in expected}
    assert results.total == len(expected)


def test_facets_combine_and_across_or_inside_counting_without_their_own(es_engine, indexed):
    query = ProductQuery(
        stars=(3, 5), producer_kinds=("cooperative",), price_bands=("under-100k", "100k-200k", "500k-1m")
    )
    results = es_engine.search_products(query)
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

    with_text = es_engine.search_products(ProductQuery(text="mat ong", stars=(4,), at_fair=True))
    assert with_text.product_ids == ids(indexed["mat_ong"])
    assert counts(with_text, "stars") == {4: (1, True), 3: (1, False)}
    assert counts(with_text, "at_fair") == {True: (1, True)}


def test_category_filters(es_engine, indexed):
    assert found(es_engine, category_groups=("herbs",)) == {indexed["nhung"].pk}
    assert found(es_engine, category_subgroup="tea") == {indexed["che"].pk}
    assert found(es_engine, "mat ong", category_subgroup="tea") == set()


# --- sorts and pages -----------------------------------------------------------------------------
def test_sorts(es_engine, indexed):
    def order(sort):
        return es_engine.search_products(ProductQuery(sort=sort)).product_ids

    i = indexed
    # Stars, then the folded title: "Mật ong rừng" before "Nhung" before "Chè"? No: c < m < n.
    assert order("stars") == ids(i["nuoc_mam"], i["che"], i["mat_ong"], i["nhung"], i["dau_phu"], i["mat_ong_hoa"])
    assert order("price_asc") == ids(i["dau_phu"], i["mat_ong_hoa"], i["nuoc_mam"], i["mat_ong"], i["nhung"], i["che"])
    assert order("price_desc") == ids(i["nhung"], i["mat_ong"], i["nuoc_mam"], i["mat_ong_hoa"], i["dau_phu"], i["che"])
    assert order("newest") == tuple(sorted(ids(*i.values()), reverse=True))
    # Without text every score is the same: stars, then the id.
    assert order("relevance") == ids(i["nuoc_mam"], i["mat_ong"], i["nhung"], i["che"], i["mat_ong_hoa"], i["dau_phu"])


@pytest.mark.parametrize("sort", ["relevance", "stars", "price_asc", "price_desc", "newest"])
def test_pages_do_not_shift(es_engine, indexed, sort):
    everything = es_engine.search_products(ProductQuery(sort=sort, per_page=24))
    pages = [es_engine.search_products(ProductQuery(sort=sort, page=page, per_page=4)) for page in (1, 2, 3)]
    assert [page.total for page in pages] == [6, 6, 6]
    assert pages[0].product_ids + pages[1].product_ids == everything.product_ids
    assert len(pages[0].product_ids) == 4
    assert pages[2].product_ids == ()
    assert pages[0].facets == pages[1].facets == everything.facets


# --- suggestions as they type --------------------------------------------------------------------
def test_suggest_products_producers_and_provinces(es_engine, indexed):
    suggestions = es_engine.suggest("mat o")
    products = [s for s in suggestions if s.kind == "product"]
    # Both titles start with "mat o": by stars.
    assert [(s.text, s.url) for s in products] == [
        ("Mật ong rừng Vũ Quang", indexed["mat_ong"].get_absolute_url()),
        ("Mật ong hoa cà phê", indexed["mat_ong_hoa"].get_absolute_url()),
    ]
    assert suggestions[:2] == products
    # A title that starts with the words typed comes before one that only has them, stars aside.
    starting = product("Hoa quả sấy Vũ Quang", stars=3)
    es_engine.update_products([starting.pk])
    assert [s.text for s in es_engine.suggest("hoa") if s.kind == "product"] == [
        "Hoa quả sấy Vũ Quang",
        "Mật ong hoa cà phê",
    ]

    suggestions = es_engine.suggest("nuoc mam")
    assert suggestions[0].kind == "product"
    assert suggestions[0].text == "Nước mắm Cửa Hội"
    producer = indexed["nuoc_mam"].producer
    assert ("producer", "HTX Nước mắm Cửa Hội", producer.get_absolute_url()) in [
        (s.kind, s.text, s.url) for s in suggestions
    ]
    assert producer.get_absolute_url() == reverse("partner:producer-detail", kwargs={"code": producer.code})

    provinces = [s for s in es_engine.suggest("thanh h") if s.kind == "province"]
    assert [(s.text, s.url) for s in provinces] == [("Thanh Hóa", f"{reverse('catalogue:index')}?province={THANH_HOA}")]
    assert es_engine.suggest("zzzz") == []
    assert len(es_engine.suggest("m", limit=2)) == 2


# --- indexing ------------------------------------------------------------------------------------
def test_update_products_indexes_and_removes(es_engine, indexed):
    hidden = indexed["dau_phu"]
    hidden.is_public = False
    hidden.save()
    new = product("Đậu phộng rang muối")
    es_engine.update_products([hidden.pk, new.pk, 999_999])
    assert found(es_engine, "dau") == {new.pk}
    assert hidden.pk not in es_engine.indexed_fingerprints()
    # Safe to run again; a deleted product goes too.
    es_engine.update_products([hidden.pk, new.pk])
    new_pk = new.pk
    new.delete()
    es_engine.update_products([new_pk])
    assert found(es_engine, "dau") == set()


def test_update_products_creates_the_index_on_first_use(es_engine, catalogue):
    es_engine.update_products([catalogue["che"].pk])
    assert found(es_engine, "che") == {catalogue["che"].pk}
    assert list(es_engine.client.indices.get_alias(name=es_engine.alias)) == es_engine._indices_of_alias()


def test_update_products_reaches_an_index_being_rebuilt(es_engine, indexed):
    (current,) = es_engine._indices_of_alias()
    being_built = es_engine._create_index()  # as a rebuild creates it, not yet behind the alias
    new = product("Cam Vũ Quang")
    hidden = indexed["che"]
    hidden.is_public = False
    hidden.save()
    es_engine.update_products([new.pk, hidden.pk])
    for index in (current, being_built):
        assert es_engine.client.exists(index=index, id=new.pk)
        assert not es_engine.client.exists(index=index, id=hidden.pk)
    assert es_engine._indices_of_alias() == [current]


def test_rebuild_swaps_the_alias_and_deletes_the_old_index(es_engine, indexed):
    (old_index,) = es_engine._indices_of_alias()
    left_behind = es_engine._create_index()  # by a rebuild that failed midway
    seen = []
    assert es_engine.rebuild(progress=lambda done, total: seen.append((done, total))) == 6
    (new_index,) = es_engine._indices_of_alias()
    assert new_index != old_index
    assert new_index.startswith(f"{es_engine.alias}-")
    assert es_engine._indices_of_prefix() == [new_index]
    assert not es_engine.client.indices.exists(index=old_index)
    assert not es_engine.client.indices.exists(index=left_behind)
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    assert found(es_engine, "nuoc mam") == {indexed["nuoc_mam"].pk, indexed["dau_phu"].pk}


def test_indexed_fingerprints(es_engine, indexed):
    from search.records import product_records

    expected = {
        record.product_id: record.fingerprint for record in product_records([item.pk for item in indexed.values()])
    }
    assert es_engine.indexed_fingerprints() == expected


# --- the client ----------------------------------------------------------------------------------
def test_the_engine_of_the_settings(settings, elasticsearch_target, index_prefix, catalogue):
    from search.engines.elasticsearch import ElasticsearchEngine

    url, node_class = elasticsearch_target
    settings.ELASTICSEARCH_URL = url
    engine = ElasticsearchEngine(node_class=node_class)
    assert engine.name == "elasticsearch"
    assert engine.alias == f"{index_prefix}-products"
    # Engines are built for each request; they share one client.
    assert ElasticsearchEngine(node_class=node_class).client is engine.client
    try:
        assert engine.rebuild() == 6
        assert set(engine.search_products(ProductQuery(text="mat ong")).product_ids) == set(
            ids(catalogue["mat_ong"], catalogue["mat_ong_hoa"])
        )
    finally:
        engine.client.indices.delete(index=",".join(engine._indices_of_alias()), ignore_unavailable=True)


def test_a_server_that_does_not_answer_times_out_quickly(settings):
    """A server that takes the connection and says nothing: the search gives up after
    ELASTICSEARCH_TIMEOUT, with the error search.engines falls back on."""
    import socket
    import time

    from elastic_transport import ConnectionTimeout

    from search.engines import unavailable_errors
    from search.engines.elasticsearch import ElasticsearchEngine

    settings.ELASTICSEARCH_TIMEOUT = 0.5
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        engine = ElasticsearchEngine(f"http://127.0.0.1:{silent.getsockname()[1]}")
        started = time.monotonic()
        with pytest.raises(ConnectionTimeout) as raised:
            engine.search_products(ProductQuery(text="mat ong"))
        assert time.monotonic() - started < 2
        assert isinstance(raised.value, unavailable_errors())
