"""What both engines answer about sales points and fairs: the same places for the same words.

Each test runs against the database engine and the Elasticsearch engine (the ``engine`` fixture of
conftest.py). The database engine's entries follow the signals as the rows are written; each test
brings both engines up to date with update_places() or rebuild() before it searches.
"""

from datetime import timedelta

import pytest

from catalog.models import today
from search.engines.base import PlaceQuery
from search.place_records import FAIR, SALES_POINT, all_place_keys, place_records
from search.text import fold
from shop.outlets.models import Fair, SalesPoint
from shop.partner.models import Partner
from tests.factories import (
    THANH_HOA,
    THANH_HOA_WARD,
    BoothFactory,
    FairFactory,
    ProductFactory,
    SalesPointFactory,
    certified_product,
)
from tests.integration.search.shelf import hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    """Two open sales points (Hà Tĩnh, Thanh Hóa), a suspended one, a fair to come and a fair over."""
    market = SalesPointFactory(partner__name="Điểm bán OCOP Chợ Đồng Lộc")  # Xã Vũ Quang, Hà Tĩnh
    hold(market, certified_product(4, title="Nước mắm Cửa Hội"))
    tourist = SalesPointFactory(
        partner__name="Trung tâm OCOP Xứ Thanh",
        partner__province_code=THANH_HOA,
        partner__ward_code=THANH_HOA_WARD,  # Phường Hạc Thành
        kind=SalesPoint.Kind.CENTRE,
        location_category=SalesPoint.LocationCategory.TOURIST_AREA,
        operator="Công ty Du lịch Lam Kinh",
    )
    hold(tourist, certified_product(4, title="Chè xanh Hương Sơn"))
    hold(tourist, ProductFactory(title="Rượu ngô men lá"))  # not certified: not for sale
    hold(tourist, certified_product(4, title="Bưởi Phúc Trạch"), num_in_stock=0)  # none left
    suspended = SalesPointFactory(partner__name="Điểm bán OCOP Kỳ Anh", status=SalesPoint.Status.SUSPENDED)
    orange = FairFactory(name="Lễ hội Cam Vũ Quang", starts_on=today() + timedelta(days=20))
    booth = BoothFactory(fair=orange, producer__name="HTX Ong mật Sơn Kim")
    booth.products.add(certified_product(4, title="Mật ong rừng Sơn Kim", producer=booth.producer))
    over = FairFactory(
        name="Hội chợ OCOP Thanh Hóa",
        starts_on=today() - timedelta(days=5),
        ends_on=today() - timedelta(days=1),
        province_code=THANH_HOA,
        ward_code=THANH_HOA_WARD,
        venue="Cung văn hóa thiếu nhi",
    )
    return {"market": market, "tourist": tourist, "suspended": suspended, "orange": orange, "over": over}


@pytest.fixture
def indexed(engine, places):
    engine.update_places(all_place_keys())
    return places


def found(engine, text, kind=SALES_POINT, **options):
    return list(engine.search_places(PlaceQuery(text=text, kind=kind, **options)).ids)


def test_folded_words_find_the_name(engine, indexed):
    # In the name of one, in the labels of the other ("Khu, điểm du lịch", "... bán sản phẩm OCOP").
    assert found(engine, "diem ban") == [indexed["market"].pk, indexed["tourist"].pk]
    assert found(engine, "CHỢ ĐỒNG LỘC") == [indexed["market"].pk]
    assert found(engine, "le hoi cam", FAIR) == [indexed["orange"].pk]


def test_a_place_is_found_by_its_province_and_commune(engine, indexed):
    assert found(engine, "thanh hoa") == [indexed["tourist"].pk]
    assert found(engine, "hac thanh") == [indexed["tourist"].pk]
    assert found(engine, "vu quang") == [indexed["market"].pk]
    assert found(engine, "vu quang", FAIR) == [indexed["orange"].pk]
    assert found(engine, "thanh sen", FAIR) == [indexed["orange"].pk]  # its venue


def test_a_place_is_found_by_its_operator_and_its_labels(engine, indexed):
    assert found(engine, "lam kinh") == [indexed["tourist"].pk]
    assert found(engine, "du lich") == [indexed["tourist"].pk]  # "Khu, điểm du lịch"
    assert found(engine, "tourist area") == [indexed["tourist"].pk]


def test_a_sales_point_is_found_by_the_products_for_sale_it_holds(engine, indexed):
    assert found(engine, "nuoc mam") == [indexed["market"].pk]
    assert found(engine, "che xanh") == [indexed["tourist"].pk]
    assert found(engine, "ruou ngo men") == []  # not for sale
    assert found(engine, "buoi phuc trach") == []  # none in stock


def test_a_fair_is_found_by_its_booths_producers_and_products(engine, indexed):
    assert found(engine, "ong mat son kim", FAIR) == [indexed["orange"].pk]
    assert found(engine, "mat ong rung", FAIR) == [indexed["orange"].pk]


def test_synonyms(engine, indexed):
    assert found(engine, "tra xanh") == [indexed["tourist"].pk]


def test_a_typo(engine, indexed):
    assert found(engine, "nuoc mamm") == [indexed["market"].pk]
    assert found(engine, "xanhh") == [indexed["tourist"].pk]


def test_every_word_must_match(engine, indexed):
    assert found(engine, "nuoc mam thanh hoa") == []


def test_the_name_ranks_above_what_is_sold_there(engine, indexed):
    honey_shop = SalesPointFactory(partner__name="Cửa hàng Mật ong Hương Khê")
    mixed = SalesPointFactory(partner__name="Điểm bán Nam Đàn")
    hold(mixed, certified_product(4, title="Mật ong bạc hà"))
    engine.update_places([(SALES_POINT, honey_shop.pk), (SALES_POINT, mixed.pk)])
    assert found(engine, "mat ong") == [honey_shop.pk, mixed.pk]


def test_a_suspended_sales_point_is_not_found(engine, indexed):
    assert found(engine, "ky anh") == []
    assert indexed["suspended"].pk not in found(engine, "", per_page=50)


def test_a_fair_is_found_until_its_last_day(engine, indexed):
    orange = indexed["orange"]
    assert found(engine, "cam vu quang", FAIR, day=orange.ends_on) == [orange.pk]
    assert found(engine, "cam vu quang", FAIR, day=orange.ends_on + timedelta(days=1)) == []
    over = indexed["over"]
    assert found(engine, "hoi cho", FAIR) == []
    assert found(engine, "hoi cho", FAIR, day=over.ends_on) == [over.pk]


def test_no_text_gives_every_place_of_the_kind_in_order(engine, indexed):
    early = FairFactory(name="Phiên chợ nông sản Hà Tĩnh", starts_on=today() + timedelta(days=3))
    engine.update_places([(FAIR, early.pk)])
    assert found(engine, "") == [indexed["market"].pk, indexed["tourist"].pk]  # by name
    assert found(engine, "", FAIR) == [early.pk, indexed["orange"].pk]  # by first day


def test_totals_per_kind_for_the_same_text(engine, indexed):
    results = engine.search_places(PlaceQuery(text="vu quang", kind=FAIR))
    assert results.kind == FAIR and results.total == 1
    assert results.totals == {SALES_POINT: 1, FAIR: 1}
    assert engine.search_places(PlaceQuery(kind=SALES_POINT)).totals == {SALES_POINT: 2, FAIR: 1}
    assert engine.search_places(PlaceQuery(text="nuoc mam")).totals == {SALES_POINT: 1, FAIR: 0}
    assert engine.search_places(PlaceQuery(text="nothing like it")).totals == {SALES_POINT: 0, FAIR: 0}
    assert results.engine == engine.name and not results.fell_back


@pytest.mark.parametrize("text", ["", "diem ban ocop"])
def test_pages_never_repeat_a_place(engine, places, text):
    more = [SalesPointFactory(partner__name=f"Điểm bán OCOP Hà Tĩnh số {n}") for n in range(5)]
    engine.update_places(all_place_keys())
    expected = {sales_point.pk for sales_point in more} | {places["market"].pk, places["tourist"].pk}
    pages = [found(engine, text, page=page, per_page=2) for page in (1, 2, 3, 4, 5)]
    seen = [place_id for page in pages for place_id in page]
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    assert [len(page) for page in pages[:3]] == [2, 2, 2]
    assert engine.search_places(PlaceQuery(text=text, page=2, per_page=2)).total == len(expected)
    if not text:
        names = dict(SalesPoint.objects.values_list("pk", "partner__name"))
        assert seen == sorted(seen, key=lambda pk: (fold(names[pk]), pk))


def test_update_places_indexes_and_removes(engine, indexed):
    market = indexed["market"]
    # Written without signals: the engine learns of it only through update_places.
    Partner.objects.filter(pk=market.partner_id).update(name="Điểm bán Chợ Nghèn")
    assert found(engine, "cho nghen") == []
    engine.update_places([[SALES_POINT, market.pk]])  # as a task's JSON gives it
    assert found(engine, "cho nghen") == [market.pk]

    SalesPoint.objects.filter(pk=market.pk).update(status=SalesPoint.Status.CLOSED)
    engine.update_places([(SALES_POINT, market.pk)])
    assert found(engine, "cho nghen") == []
    engine.update_places([(SALES_POINT, market.pk)])  # again: no harm

    orange_id = indexed["orange"].pk
    indexed["orange"].delete()
    engine.update_places([(FAIR, orange_id)])
    assert found(engine, "cam vu quang", FAIR) == []
    assert (FAIR, orange_id) not in engine.indexed_place_fingerprints()


def test_rebuild_covers_places(engine, indexed):
    Fair.objects.filter(pk=indexed["orange"].pk).update(name="Festival Cam Hà Tĩnh")
    old_indices = engine._indices_of_alias(engine.places_alias) if engine.name == "elasticsearch" else []
    assert engine.rebuild() == 4  # the products for sale of the fixture: the number stays the products'
    assert found(engine, "festival cam", FAIR) == [indexed["orange"].pk]
    assert found(engine, "nuoc mam") == [indexed["market"].pk]
    if engine.name == "elasticsearch":
        (new_index,) = engine._indices_of_alias(engine.places_alias)
        assert new_index not in old_indices and new_index.startswith(f"{engine.places_alias}-")
        assert engine._indices_of_prefix(engine.places_alias) == [new_index]


def test_indexed_place_fingerprints(engine, indexed):
    expected = {record.key: record.fingerprint for record in place_records(all_place_keys()) if record.searchable}
    assert (SALES_POINT, indexed["suspended"].pk) not in expected
    assert (FAIR, indexed["over"].pk) in expected  # found again on a day before its end
    assert engine.indexed_place_fingerprints() == expected
