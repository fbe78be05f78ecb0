"""The products the engine tests search: made with the factories, for sale today unless told otherwise."""

from datetime import timedelta
from decimal import Decimal

from catalog.groups import ProductGroup
from catalog.models import today
from shop.partner.models import Partner, StockRecord
from tests.factories import (
    THANH_HOA,
    THANH_HOA_WARD,
    BoothFactory,
    CertificateFactory,
    ProducerFactory,
    ProductFactory,
    SalesPointFactory,
)


def product(
    title,
    *,
    stars=4,
    price=250_000,
    producer=None,
    group=ProductGroup.FOOD,
    subgroup="processed_food",
    description="",
    **certificate,
):
    """A product with its producer's stock record at ``price`` (None: no stock record), certified
    with ``stars`` (and ``certificate``'s other fields)."""
    fields = {"title": title, "stock": (Decimal(price), 20) if price is not None else False, "description": description}
    if producer is not None:
        fields["producer"] = producer
    item = ProductFactory(**fields)
    CertificateFactory(product=item, stars=stars, group=group, subgroup=subgroup, **certificate)
    item.refresh_from_db()
    return item


def hold(sales_point, item, num_in_stock=5):
    """``item`` in ``sales_point``'s stock."""
    return StockRecord.objects.create(
        product=item,
        partner=sales_point.partner,
        partner_sku=f"SP-{sales_point.pk}-{item.pk}",
        price=Decimal(300_000),
        price_currency="VND",
        num_in_stock=num_in_stock,
    )


def at_sales_point(item, **sales_point):
    """``item`` in stock at a new sales point (open unless ``sales_point`` says otherwise)."""
    point = SalesPointFactory(**sales_point)
    hold(point, item)
    return point


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
    at_sales_point(items["nhung"], status="closed")  # a closed sales point shows nothing
    BoothFactory(producer=vu_quang)  # a fair in 20 days: both of Vũ Quang's products are "at a fair"
    BoothFactory(
        producer=cua_hoi, fair__starts_on=today() - timedelta(days=30), fair__ends_on=today() - timedelta(days=25)
    )
    return items
