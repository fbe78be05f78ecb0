"""A buyer finds products of two producers with the search box and checks out: one producer's part
delivered to a Hà Tĩnh address, the other's picked up at a sales point, paid in cash."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext
from oscar.core.loading import get_model

from shop.order.models import FulfilmentChannel
from shop.partner.models import ShippingRate, StockRecord
from shop.payments.models import PaymentMethod, PaymentState
from tests.browser.checkout.journey import (
    BUYER_PASSWORD,
    add_from_results,
    buyer_account,
    fill_delivery_address,
    search,
    sign_in,
)
from tests.factories import HA_TINH_WARD, ProducerFactory, SalesPointFactory, certified_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Order = get_model("order", "Order")

FOREIGN_PHONE = "+1 415 555 2671"


@pytest.fixture
def honey_world():
    """Two honey producers of Hà Tĩnh, and a sales point in the provincial capital stocking one's honey."""
    forest = ProducerFactory(name="HTX Nuôi ong Hương Khê", code="htx-nuoi-ong-huong-khe-journey")
    ShippingRate.objects.create(producer=forest, kind=ShippingRate.Kind.FLAT, base_charge=30000)
    orange = ProducerFactory(name="Tổ hợp tác Mật ong Vũ Quang", code="tht-mat-ong-vu-quang-journey")
    forest_honey = certified_product(
        title="Mật ong hoa rừng Hương Khê – chai 500 ml", producer=forest, stock=(Decimal("250000"), 12)
    )
    orange_honey = certified_product(
        title="Mật ong hoa cam Vũ Quang – chai 500 ml", producer=orange, stock=(Decimal("180000"), 8)
    )
    point = SalesPointFactory(
        partner__name="Trung tâm giới thiệu sản phẩm OCOP Hà Tĩnh",
        partner__street_address="02 Nguyễn Du",
        opening_hours="7:30–21:00",
    )
    StockRecord.objects.create(
        product=orange_honey,
        partner=point.partner,
        partner_sku=f"SP-{point.pk}-{orange_honey.pk}",
        price=Decimal("180000"),
        price_currency="VND",
        num_in_stock=6,
    )
    return forest_honey, orange_honey, point


def test_buyer_searches_gets_one_part_delivered_and_picks_the_other_up_paying_cash(
    honey_world, live_server, page, screenshot
):
    forest_honey, orange_honey, point = honey_world
    forest, orange = forest_honey.producer, orange_honey.producer
    buyer = buyer_account()
    sign_in(page, live_server.url, buyer.email, BUYER_PASSWORD)

    # The search box finds both honeys, without the diacritics typed.
    search(page, "mat ong")
    screenshot("search-results")
    add_from_results(page, forest_honey.title)
    add_from_results(page, orange_honey.title)
    page.goto(live_server.url + "/basket/")
    assert forest_honey.title in page.locator("body").inner_text()
    assert orange_honey.title in page.locator("body").inner_text()
    screenshot("basket")

    # Signed in, the checkout's start leads straight to the delivery-or-pickup page.
    page.locator("a[href='/checkout/']").last.click()
    page.wait_for_url("**/checkout/shipping-address/")
    groups = page.locator("section.fulfilment-group")
    assert groups.count() == 2
    screenshot("fulfilment")

    # Honey from Hương Khê delivered; Vũ Quang's picked up at the sales point (its list shows on choosing).
    page.check(f"input[name='method_{forest.pk}'][value='delivery']")
    pickup_list = page.locator(f"#id_sales_point_{orange.pk}")
    assert not pickup_list.is_visible()
    page.check(f"input[name='method_{orange.pk}'][value='sales_point_pickup']")
    pickup_list.wait_for(state="visible")
    pickup_list.select_option(str(point.pk))

    # Who receives it: first with a phone number from abroad.
    page.fill("#id_recipient_name", "Trần Ngọc Anh")
    page.fill("#id_phone_number", FOREIGN_PHONE)
    fill_delivery_address(page, ward_code=HA_TINH_WARD, street="12 Phan Đình Phùng")
    screenshot("address-filled")
    page.locator("#continue-to-payment").click()
    page.wait_for_load_state()

    # Refused with the reason, in Vietnamese; everything typed and chosen is still there.
    assert page.url.endswith("/checkout/shipping-address/")
    with translation.override("vi"):
        refusal = gettext("Enter a Vietnamese phone number, such as 0912 345 678.")
    assert refusal in page.locator("#id_phone_number ~ .error-block").inner_text()
    assert page.input_value("#id_phone_number") == FOREIGN_PHONE
    assert page.input_value("#id_recipient_name") == "Trần Ngọc Anh"
    assert page.input_value("#id_province_code") == "42"
    assert page.input_value("#id_ward_code") == str(HA_TINH_WARD)
    assert page.input_value("#id_street") == "12 Phan Đình Phùng"
    assert page.is_checked(f"input[name='method_{orange.pk}'][value='sales_point_pickup']")
    assert page.input_value(f"#id_sales_point_{orange.pk}") == str(point.pk)
    assert not Order.objects.exists()
    screenshot("phone-refused")

    page.fill("#id_phone_number", "0912 345 678")
    page.locator("#continue-to-payment").click()
    page.wait_for_url("**/checkout/payment-method/")
    page.check("input[name='method'][value='cash']")
    screenshot("payment-method")
    page.locator("#continue-to-preview").click()
    page.wait_for_url("**/checkout/preview/")
    preview = page.locator("body").inner_text()
    assert forest.name in preview and orange.name in preview and point.name in preview
    screenshot("preview")

    page.locator("#place-order").click()
    page.wait_for_url("**/checkout/thank-you/")
    order = Order.objects.get()
    confirmation = page.locator("body").inner_text()
    assert order.number in confirmation
    shown = page.locator(".fulfilment-group")
    assert shown.count() == 2
    assert {shown.nth(0).get_attribute("data-method"), shown.nth(1).get_attribute("data-method")} == {
        "delivery",
        "sales_point_pickup",
    }
    assert forest.name in confirmation and orange.name in confirmation and point.name in confirmation
    assert "12 Phan Đình Phùng" in confirmation
    screenshot("thank-you")

    # What the order recorded: two groups, the sales point's units reserved, cash to collect.
    assert order.user == buyer
    assert order.fulfilment_groups.count() == 2
    delivered = order.fulfilment_groups.get(method=FulfilmentChannel.DELIVERY)
    picked_up = order.fulfilment_groups.get(method=FulfilmentChannel.SALES_POINT_PICKUP)
    assert (delivered.producer, delivered.shipping_charge) == (forest, Decimal(30000))
    assert (picked_up.producer, picked_up.sales_point) == (orange, point)
    assert StockRecord.objects.get(product=orange_honey, partner=point.partner).num_allocated == 1
    assert (StockRecord.objects.get(product=orange_honey, partner=orange).num_allocated or 0) == 0
    assert StockRecord.objects.get(product=forest_honey, partner=forest).num_allocated == 1
    assert order.total_incl_tax == Decimal(250000 + 180000 + 30000)
    assert order.payment.method == PaymentMethod.CASH
    assert order.payment.state == PaymentState.TO_COLLECT
    address = order.shipping_address
    assert (address.first_name, str(address.phone_number), address.ward_code) == (
        "Trần Ngọc Anh",
        "+84912345678",
        HA_TINH_WARD,
    )
