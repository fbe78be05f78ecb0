"""Factories for the OCOP models, on top of Oscar's own (oscar.test.factories)."""

from datetime import timedelta
from decimal import Decimal

import factory
from oscar.test import factories as oscar_factories

from catalog.groups import ProductGroup
from catalog.models import OcopCertificate, Product, today
from catalog.stars import score_band
from shop.outlets.models import Booth, Fair, SalesPoint
from shop.partner.models import Partner, StockRecord

HA_TINH = 42
THANH_HOA = 38
# Communes of the current (2025) units, from vietnam-provinces.
HA_TINH_WARD = 18313  # Xã Vũ Quang
THANH_HOA_WARD = 14797  # Phường Hạc Thành


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"HTX Nông sản {n}")
    kind = Partner.Kind.PRODUCER
    producer_kind = Partner.ProducerKind.COOPERATIVE
    tax_code = factory.Sequence(lambda n: f"30{n:08d}")
    province_code = HA_TINH
    ward_code = HA_TINH_WARD
    street_address = "Thôn 1"
    phone = "0239 3855 555"
    email = factory.Sequence(lambda n: f"producer{n}@example.vn")


class SalesPointPartnerFactory(ProducerFactory):
    name = factory.Sequence(lambda n: f"Điểm bán OCOP {n}")
    kind = Partner.Kind.SALES_POINT
    producer_kind = ""


class SalesPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesPoint

    partner = factory.SubFactory(SalesPointPartnerFactory)
    kind = SalesPoint.Kind.POINT
    location_category = SalesPoint.LocationCategory.MARKET
    latitude = Decimal("18.342100")
    longitude = Decimal("105.905700")
    opening_hours = "7:00–21:00"
    operator = "Công ty TNHH Thương mại Hà Tĩnh"


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = oscar_factories.ProductClassFactory._meta.model
        django_get_or_create = ("name",)

    name = "Nông sản"
    requires_shipping = True
    track_stock = True


class ProductFactory(factory.django.DjangoModelFactory):
    """A standalone product with its producer's stock record; no certificate unless given."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    structure = Product.STANDALONE
    title = factory.Sequence(lambda n: f"Mật ong rừng {n}")
    upc = factory.Sequence(lambda n: f"893{n:010d}")
    product_class = factory.SubFactory(ProductClassFactory)
    producer = factory.SubFactory(ProducerFactory)
    is_public = True

    @factory.post_generation
    def stock(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            price, num_in_stock = extracted if isinstance(extracted, tuple) else (Decimal("250000"), 50)
            StockRecord.objects.create(
                product=obj,
                partner=obj.producer,
                partner_sku=f"SKU-{obj.pk}",
                price=price,
                price_currency="VND",
                num_in_stock=num_in_stock,
            )


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OcopCertificate
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: f"OCOP-HT-{n:05d}")
    stars = 4
    score = factory.LazyAttribute(lambda o: score_band(o.stars)[0] + 5)
    group = ProductGroup.FOOD
    subgroup = "processed_food"
    certifying_level = factory.LazyAttribute(
        lambda o: OcopCertificate.CertifyingLevel.CENTRAL if o.stars == 5 else OcopCertificate.CertifyingLevel.PROVINCE
    )
    issuing_authority = "UBND tỉnh Hà Tĩnh"
    decision_number = factory.Sequence(lambda n: f"{n}/QĐ-UBND")
    decision_date = factory.LazyFunction(lambda: today() - timedelta(days=200))
    valid_from = factory.LazyAttribute(lambda o: o.decision_date)

    @factory.post_generation
    def make_current(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            obj.product.certificate = obj
            obj.product.save(update_fields=["certificate"])


def certified_product(stars=4, **product_fields):
    """A product for sale today: in stock, with a valid certificate of ``stars`` stars."""
    product = ProductFactory(**product_fields)
    CertificateFactory(product=product, stars=stars)
    product.refresh_from_db()
    return product


class FairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fair

    name = factory.Sequence(lambda n: f"Lễ hội Cam và các sản phẩm nông nghiệp Hà Tĩnh {n}")
    starts_on = factory.LazyFunction(lambda: today() + timedelta(days=20))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=4))
    venue = "Quảng trường Thành Sen"
    province_code = HA_TINH
    ward_code = HA_TINH_WARD
    organiser = "Sở Công Thương Hà Tĩnh"


class BoothFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booth

    fair = factory.SubFactory(FairFactory)
    number = factory.Sequence(lambda n: f"B{n}")
    producer = factory.SubFactory(ProducerFactory)


def partner_staff(partner, email=None):
    """A member of ``partner``'s staff (producer staff or sales point operator) with dashboard access."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from shop.accounts.roles import Role

    email = email or f"staff-{partner.code}@example.vn"
    user = get_user_model().objects.create_user(username=email, email=email, password="x")
    role = Role.PRODUCER_STAFF if partner.kind == Partner.Kind.PRODUCER else Role.SALES_POINT_OPERATOR
    user.groups.add(Group.objects.get(name=role))
    partner.users.add(user)
    return user


def government_officer(role, province_code, email):
    """An officer of ``role`` (a shop.accounts.roles.Role) working for ``province_code``."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from shop.accounts.models import StaffProfile

    user = get_user_model().objects.create_user(username=email, email=email, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    StaffProfile.objects.create(user=user, province_code=province_code, organisation="Văn phòng Điều phối OCOP")
    return user


def placed_order(items, *, user=None, number=None, channel=None, placed_at=None):
    """An order placed through Oscar's OrderCreator for ``items``: a list of (product, quantity).

    Products must be for sale (see certified_product). Each line's stock is allocated as at
    checkout. ``channel`` sets every line's fulfilment channel; ``placed_at`` backdates the order.
    """
    from oscar.apps.address.models import Country
    from oscar.apps.basket.models import Basket
    from oscar.core.loading import get_class
    from oscar.test.factories import create_order

    from shop.order.models import Order, ShippingAddress

    Selector = get_class("partner.strategy", "Selector")
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for product, quantity in items:
        basket.add_product(product, quantity)
    Country.objects.get_or_create(
        iso_3166_1_a2="VN", defaults={"name": "Việt Nam", "printable_name": "Việt Nam", "is_shipping_country": True}
    )
    address = ShippingAddress.objects.create(
        first_name="Lan",
        last_name="Nguyễn Thị",
        line1="12 Trần Phú",
        line4="Phường Thành Sen",
        state="Hà Tĩnh",
        postcode="",
        country_id="VN",
        phone_number="+84912345678",
        notes="Gọi trước khi giao",
    )
    order = create_order(number=number, basket=basket, user=user, shipping_address=address)
    if channel is not None:
        order.lines.update(fulfilment_channel=channel)
    if placed_at is not None:
        Order.objects.filter(pk=order.pk).update(date_placed=placed_at)
        order.refresh_from_db()
    return order


def stamp_batch(product=None, quantity=5, *, issued_by=None, lot="LO-01", produced_on=None, expires_on=None):
    """A batch of ``quantity`` stamps, generated at once (no print files), with its stamps made.

    The real issuing path generates them in a Celery task after the transaction commits; a
    test's transaction never commits, so the stamps are made here directly.
    """
    from shop.stamps.issuing import generate_stamps, issue_batch
    from shop.stamps.models import StampBatch

    product = product or certified_product()
    produced_on = produced_on or today() - timedelta(days=10)
    batch = issue_batch(
        product=product,
        quantity=quantity,
        lot=lot,
        produced_on=produced_on,
        expires_on=expires_on,
        issued_by=issued_by,
    )
    generate_stamps(batch)
    batch.status = StampBatch.Status.READY
    batch.save(update_fields=["status"])
    return batch
