"""Checkout by producer: each producer's part delivered, picked up at a sales point or at a fair booth."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.models import today
from shop.order.models import FulfilmentChannel, FulfilmentGroup
from shop.partner.models import ShippingRate, StockRecord
from shop.payments.models import PaymentMethod, PaymentState
from tests.factories import (
    THANH_HOA,
    THANH_HOA_WARD,
    BoothFactory,
    FairFactory,
    ProducerFactory,
    SalesPointFactory,
    certified_product,
)
from tests.functional.checkout.helpers import (
    ADDRESS,
    add,
    choose_fulfilment,
    choose_payment,
    fulfilment_page,
    place_order,
    up_to_preview,
)

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


@pytest.fixture
def orange_grower():
    producer = ProducerFactory(name="HTX Cam Vũ Quang")
    ShippingRate.objects.create(producer=producer, kind=ShippingRate.Kind.FLAT, base_charge=25000, free_above=500000)
    return producer


@pytest.fixture
def honey_maker():
    producer = ProducerFactory(name="Tổ hợp tác Mật ong Hương Sơn")
    ShippingRate.objects.create(producer=producer, kind=ShippingRate.Kind.FLAT, base_charge=40000)
    return producer


@pytest.fixture
def oranges(orange_grower):
    return certified_product(title="Cam bù Hương Sơn", producer=orange_grower, stock=(Decimal("95000"), 20))


@pytest.fixture
def honey(honey_maker):
    return certified_product(title="Mật ong rừng Vũ Quang", producer=honey_maker, stock=(Decimal("320000"), 10))


def sales_point_holding(product, units, **fields):
    point = SalesPointFactory(**fields)
    StockRecord.objects.create(
        product=product,
        partner=point.partner,
        partner_sku=f"SP-{point.pk}-{product.pk}",
        price=Decimal("320000"),
        price_currency="VND",
        num_in_stock=units,
    )
    return point


def allocated(product, partner):
    return StockRecord.objects.get(product=product, partner=partner).num_allocated or 0


def test_two_producers_one_delivered_one_picked_up_at_a_sales_point(buyer, oranges, honey, honey_maker):
    point = sales_point_holding(honey, 5)
    add(buyer, oranges, 2)
    add(buyer, honey, 2)
    preview = up_to_preview(
        buyer, {honey_maker: {"method": "sales_point_pickup", "sales_point": point.pk}}, payment="cash"
    )
    assert preview.context["order_total"].incl_tax == Decimal(2 * 95000 + 2 * 320000 + 25000)

    response = place_order(buyer)

    assert response.url == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.total_incl_tax == Decimal(2 * 95000 + 2 * 320000 + 25000)
    assert order.shipping_incl_tax == Decimal(25000)
    delivered = order.fulfilment_groups.get(method=FulfilmentChannel.DELIVERY)
    picked_up = order.fulfilment_groups.get(method=FulfilmentChannel.SALES_POINT_PICKUP)
    assert (delivered.producer, delivered.shipping_charge) == (oranges.producer, Decimal(25000))
    assert (picked_up.producer, picked_up.sales_point, picked_up.shipping_charge) == (honey_maker, point, Decimal(0))
    honey_line = order.lines.get(product=honey)
    assert honey_line.fulfilment_group == picked_up
    assert honey_line.fulfilment_channel == FulfilmentChannel.SALES_POINT_PICKUP
    assert honey_line.partner == honey_maker  # the producer still sells it
    assert honey_line.stockrecord.partner == point.partner
    # The sales point's units are reserved, not the producer's.
    assert allocated(honey, point.partner) == 2
    assert allocated(honey, honey_maker) == 0
    assert allocated(oranges, oranges.producer) == 2
    address = order.shipping_address
    assert (address.first_name, str(address.phone_number)) == ("Trần Ngọc Anh", "+84912345678")
    assert (address.province_code, address.state) == (42, "Hà Tĩnh")
    assert order.payment.method == PaymentMethod.CASH
    assert order.payment.state == PaymentState.TO_COLLECT
    assert order.payment.amount == order.total_incl_tax

    confirmation = buyer.get(response.url)
    assert "Pickup at a sales point" in confirmation.content.decode()
    assert point.name in confirmation.content.decode()


def test_free_delivery_from_the_producers_threshold(buyer, oranges):
    add(buyer, oranges, 6)  # 570,000 ≥ 500,000
    preview = up_to_preview(buyer)
    assert preview.context["order_total"].incl_tax == Decimal(6 * 95000)
    place_order(buyer)
    assert Order.objects.get().fulfilment_groups.get().shipping_charge == 0


def test_only_sales_points_with_every_item_in_stock_are_offered(buyer, honey, oranges, orange_grower):
    both = sales_point_holding(honey, 5, partner__name="Điểm bán OCOP Hồng Lĩnh")
    StockRecord.objects.create(product=oranges, partner=both.partner, partner_sku="x", price=1, num_in_stock=5)
    honey_only = sales_point_holding(honey, 5, partner__name="Điểm bán OCOP Kỳ Anh")
    too_few = sales_point_holding(honey, 1, partner__name="Điểm bán OCOP Cẩm Xuyên")
    closed = sales_point_holding(honey, 5, status="closed")
    honey.producer = orange_grower
    honey.save()
    add(buyer, oranges, 1)
    add(buyer, honey, 2)

    form = fulfilment_page(buyer).context["form"]

    (options,) = form.group_options
    assert [option.sales_point for option in options.sales_points] == [both]
    assert {honey_only, too_few, closed}.isdisjoint(option.sales_point for option in options.sales_points)


def test_sales_points_of_the_buyers_province_come_first(buyer, honey, honey_maker):
    far = sales_point_holding(honey, 5, partner__name="A Điểm bán Thanh Hóa", partner__province_code=THANH_HOA)
    near = sales_point_holding(honey, 5, partner__name="Z Điểm bán Hà Tĩnh")
    add(buyer, honey)
    page = buyer.get(reverse("checkout:shipping-address"), {"province_code": "42"})
    (options,) = page.context["form"].group_options
    assert [option.sales_point for option in options.sales_points] == [near, far]
    page = buyer.get(reverse("checkout:shipping-address"), {"province_code": str(THANH_HOA)})
    (options,) = page.context["form"].group_options
    assert [option.sales_point for option in options.sales_points] == [far, near]


def test_the_nearest_sales_point_first_when_the_buyer_shares_a_location(buyer, honey):
    ha_tinh = sales_point_holding(honey, 5, latitude=Decimal("18.3421"), longitude=Decimal("105.9057"))
    ha_noi = sales_point_holding(honey, 5, latitude=Decimal("21.0285"), longitude=Decimal("105.8542"))
    add(buyer, honey)
    page = buyer.get(reverse("checkout:shipping-address"), {"latitude": "21.03", "longitude": "105.85"})
    (options,) = page.context["form"].group_options
    assert [option.sales_point for option in options.sales_points] == [ha_noi, ha_tinh]
    assert options.sales_points[0].distance_km < 1 < 290 < options.sales_points[1].distance_km < 310


def test_a_refused_form_keeps_the_shared_location_and_its_order(buyer, honey):
    ha_tinh = sales_point_holding(honey, 5, latitude=Decimal("18.3421"), longitude=Decimal("105.9057"))
    ha_noi = sales_point_holding(honey, 5, latitude=Decimal("21.0285"), longitude=Decimal("105.8542"))
    add(buyer, honey)
    fulfilment_page(buyer)
    response = choose_fulfilment(
        buyer, address={**ADDRESS, "phone_number": "12345", "latitude": "21.03", "longitude": "105.85"}
    )
    assert response.status_code == 200
    (options,) = response.context["form"].group_options
    assert [option.sales_point for option in options.sales_points] == [ha_noi, ha_tinh]
    page = response.content.decode()
    assert 'name="latitude" value="21.03"' in page and 'name="longitude" value="105.85"' in page


def test_a_fair_booth_pickup_on_a_fair_day(buyer, honey, honey_maker):
    fair = FairFactory(starts_on=today() + timedelta(days=3), ends_on=today() + timedelta(days=5))
    booth = BoothFactory(fair=fair, producer=honey_maker, number="B12")
    add(buyer, honey, 1)
    day = fair.starts_on + timedelta(days=1)

    up_to_preview(buyer, {honey_maker: {"method": "fair_pickup", "booth_day": f"{booth.pk}:{day.isoformat()}"}})
    place_order(buyer)

    group = Order.objects.get().fulfilment_groups.get()
    assert (group.method, group.booth, group.pickup_on, group.shipping_charge) == ("fair_pickup", booth, day, 0)
    assert allocated(honey, honey_maker) == 1


def test_fair_pickup_days_are_the_fairs_days_and_ended_fairs_are_not_offered(buyer, honey, honey_maker):
    running = FairFactory(starts_on=today() - timedelta(days=2), ends_on=today() + timedelta(days=1))
    BoothFactory(fair=running, producer=honey_maker)
    ended = FairFactory(starts_on=today() - timedelta(days=9), ends_on=today() - timedelta(days=1))
    BoothFactory(fair=ended, producer=honey_maker)
    add(buyer, honey)

    (options,) = fulfilment_page(buyer).context["form"].group_options

    assert [option.booth.fair for option in options.booths] == [running]
    assert options.booths[0].days == [today(), today() + timedelta(days=1)]
    outside = f"{options.booths[0].booth.pk}:{(today() + timedelta(days=2)).isoformat()}"
    response = choose_fulfilment(buyer, {honey_maker: {"method": "fair_pickup", "booth_day": outside}})
    assert response.status_code == 200
    assert response.context["form"].errors[f"booth_day_{honey_maker.pk}"]
    assert not FulfilmentGroup.objects.exists()


def test_no_booth_no_fair_pickup_offered(buyer, honey, honey_maker):
    add(buyer, honey)
    (options,) = fulfilment_page(buyer).context["form"].group_options
    assert options.methods == ["delivery"]
    response = choose_fulfilment(buyer, {honey_maker: {"method": "fair_pickup", "booth_day": "1:2030-01-01"}})
    assert f"method_{honey_maker.pk}" in response.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone_number", "12345", "Enter a Vietnamese phone number, such as 0912 345 678."),
        ("phone_number", "+44 20 7946 0958", "Enter a Vietnamese phone number, such as 0912 345 678."),
        ("ward_code", str(THANH_HOA_WARD), "This commune or ward is not in the chosen province."),
        ("street", "  ", "Enter the house number and street, or the village."),
        ("province_code", "", "Choose the province to deliver to."),
    ],
)
def test_bad_address_is_refused_with_the_reason_and_the_rest_kept(buyer, oranges, field, value, message):
    add(buyer, oranges)
    fulfilment_page(buyer)
    response = choose_fulfilment(buyer, address={**ADDRESS, field: value})
    assert response.status_code == 200
    form = response.context["form"]
    assert message in form.errors[field]
    assert message in response.content.decode()
    kept = {name: form[name].value() for name in ("recipient_name", "street") if name != field}
    assert kept.get("recipient_name", ADDRESS["recipient_name"]) == ADDRESS["recipient_name"]
    assert Basket.objects.get(owner=buyer.user).num_items == 1


def test_a_pickup_only_order_needs_no_address_but_a_name_and_phone(buyer, honey, honey_maker):
    point = sales_point_holding(honey, 5)
    add(buyer, honey)
    pickup = {honey_maker: {"method": "sales_point_pickup", "sales_point": point.pk}}
    no_address = {**ADDRESS, "province_code": "", "ward_code": "", "street": ""}
    response = choose_fulfilment(buyer, pickup, address={**no_address, "phone_number": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone_number"}

    response = choose_fulfilment(buyer, pickup, address=no_address)
    assert response.status_code == 302
    choose_payment(buyer, "cash")
    place_order(buyer)
    address = Order.objects.get().shipping_address
    assert (address.first_name, address.line1, address.province_code) == ("Trần Ngọc Anh", "", None)


def test_a_sales_point_that_sells_out_before_the_order_sends_the_buyer_back_to_choose(buyer, honey, honey_maker):
    point = sales_point_holding(honey, 2)
    add(buyer, honey, 2)
    up_to_preview(buyer, {honey_maker: {"method": "sales_point_pickup", "sales_point": point.pk}})
    StockRecord.objects.filter(partner=point.partner).update(num_allocated=1)

    response = place_order(buyer)

    assert response.status_code == 302
    assert response.url == reverse("checkout:shipping-address")
    page = buyer.get(response.url)
    assert any("no longer has all of" in str(message) for message in page.context["messages"])
    assert not Order.objects.exists()
    assert Basket.open.get(owner=buyer.user).num_items == 2


def test_every_producer_must_be_given_a_way(buyer, oranges, honey, honey_maker):
    add(buyer, oranges)
    add(buyer, honey)
    up_to_preview(buyer)
    session_choices = buyer.session["checkout_data"]["fulfilment"]["choices"]
    session = buyer.session
    session["checkout_data"]["fulfilment"]["choices"] = [
        c for c in session_choices if c["producer_id"] != honey_maker.pk
    ]
    session.save()

    response = buyer.get(reverse("checkout:preview"))

    assert response.url == reverse("checkout:shipping-address")


def test_a_price_change_stops_checkout_and_keeps_the_basket(buyer, honey):
    add(buyer, honey, 2)
    up_to_preview(buyer)
    StockRecord.objects.filter(product=honey, partner=honey.producer).update(price=Decimal("350000"))

    response = place_order(buyer)

    assert response.url == reverse("basket:summary")
    page = buyer.get(response.url)
    messages = [str(message) for message in page.context["messages"]]
    assert any("changed from 320.000" in message and "to 350.000" in message for message in messages), messages
    assert not Order.objects.exists()
    basket = Basket.open.get(owner=buyer.user)
    assert basket.num_items == 2
    # Seen and accepted: the buyer goes on at the new price.
    up_to_preview(buyer)
    place_order(buyer)
    assert Order.objects.get().lines.get().line_price_incl_tax == Decimal(700000)


def test_a_second_place_order_click_makes_no_second_order(buyer, honey):
    add(buyer, honey)
    up_to_preview(buyer)
    first = place_order(buyer)
    second = place_order(buyer)
    assert first.url == second.url == reverse("checkout:thank-you")
    assert Order.objects.count() == 1
    assert allocated(honey, honey.producer) == 1


def test_the_order_remembers_the_buyers_language(buyer, honey, client):
    add(buyer, honey)
    up_to_preview(buyer)
    place_order(buyer)
    assert Order.objects.get().language == "en"


def test_vietnamese_is_the_default_language_of_an_order(client, honey, django_user_model):
    user = django_user_model.objects.create_user(username="lan", email="lan@example.vn", password="x")
    client.force_login(user)
    add(client, honey)
    up_to_preview(client)
    place_order(client)
    assert Order.objects.get().language == "vi"


def test_without_stripe_keys_the_card_is_not_offered(buyer, honey, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    add(buyer, honey)
    choose_fulfilment(buyer)
    page = buyer.get(reverse("checkout:payment-method"))
    assert [value for value, _label in page.context["form"].fields["method"].choices] == ["cash", "vietqr"]
    assert "Card payment is not available at the moment." in page.content.decode()
    response = choose_payment(buyer, "card")
    assert response.status_code == 200
    assert response.context["form"].errors["method"]


def test_with_stripe_keys_a_card_order_goes_on_to_the_card_page(buyer, honey, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    add(buyer, honey)
    up_to_preview(buyer, payment="card")
    response = place_order(buyer)
    order = Order.objects.get()
    assert response.url == reverse("payments:card", kwargs={"number": order.number, "hash": order.verification_hash()})
    assert order.payment.state == PaymentState.AWAITING
    assert order.payment.method == PaymentMethod.CARD


def test_a_vietqr_order_awaits_the_transfer_and_shows_the_qr_code(buyer, honey, settings):
    settings.PAYMENT_DEADLINE_HOURS = 24
    add(buyer, honey, 2)
    up_to_preview(buyer, payment="vietqr")
    before = timezone.now()
    response = place_order(buyer)
    order = Order.objects.get()
    payment = order.payment
    assert (payment.method, payment.state, payment.amount) == ("vietqr", "awaiting", Decimal(680000))
    assert before + timedelta(hours=23, minutes=59) < payment.pay_by < timezone.now() + timedelta(hours=24, seconds=1)
    assert payment.transfer_note == f"OCOP {order.number}"
    page = buyer.get(response.url).content.decode()
    assert "<svg" in page
    assert f"OCOP {order.number}" in page
