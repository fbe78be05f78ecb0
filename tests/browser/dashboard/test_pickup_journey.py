"""A buyer who pays by VietQR sees the transfer to make; a producer marks it received; the sales point
gets the order ready and hands it over; the buyer's page follows each step."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from shop.payments.models import PaymentMethod, PaymentState
from tests.factories import ProducerFactory, SalesPointFactory, certified_product, partner_staff
from tests.functional.dashboard.pickups.helpers import payment_for, sales_point_order, stock_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "ocop-journey"


@pytest.fixture
def story():
    producer = ProducerFactory(name="HTX Mật ong Hương Khê", code="htx-mat-ong-huong-khe-journey")
    honey = certified_product(producer=producer, title="Mật ong hoa rừng – chai 500 ml", stock=(Decimal(240000), 20))
    point = SalesPointFactory(partner__name="Điểm bán OCOP Thành Sen", partner__code="thanh-sen-journey")
    stock_at(point, honey, num_in_stock=6)
    buyer = get_user_model().objects.create_user(
        username="lan@example.vn", email="lan@example.vn", password=PASSWORD, first_name="Lan"
    )
    order = sales_point_order([(honey, 2)], point, user=buyer, number="100777")
    payment = payment_for(order, PaymentMethod.VIETQR)
    operator = partner_staff(point.partner, "quay@thanhsen.vn")
    producer_staff = partner_staff(producer, "ong@huongkhe.vn")
    for user in (operator, producer_staff):
        user.set_password(PASSWORD)
        user.save()
    return {"order": order, "payment": payment, "buyer": buyer, "operator": operator, "producer": producer_staff}


def sign_in(page, base_url, email):
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", PASSWORD)
    page.locator("button[name='login_submit']").click()
    page.wait_for_load_state()


def test_transfer_received_then_ready_then_collected(browser, live_server, story, request):
    from tests.browser.conftest import SCREENSHOTS

    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    steps = iter(range(1, 100))

    def new_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def shot(page, step):
        page.screenshot(path=str(folder / f"{next(steps):02d}-{step}.png"), full_page=True)

    order_path = f"/accounts/orders/{story['order'].number}/"

    # The buyer sees the transfer to make: the code, the account and the note.
    buyer = new_page()
    sign_in(buyer, live_server.url, story["buyer"].email)
    buyer.goto(live_server.url + order_path)
    assert buyer.locator("#vietqr_transfer svg").is_visible()
    assert "OCOP 100777" in buyer.locator(".vietqr-note").inner_text()
    assert "Điểm bán OCOP Thành Sen" in buyer.locator(".fulfilment-group").inner_text()
    shot(buyer, "buyer-transfer-to-make")

    # The producer sees the transfer arrived and marks it received with the amount pre-filled.
    producer = new_page()
    sign_in(producer, live_server.url, story["producer"].email)
    producer.goto(live_server.url + "/dashboard/transfers/")
    shot(producer, "producer-transfers")
    producer.locator("#transfer_list button[type=submit]").click()
    producer.wait_for_load_state()
    story["payment"].refresh_from_db()
    assert story["payment"].state == PaymentState.PAID
    shot(producer, "producer-transfer-received")

    # The sales point gets it ready, then hands it over.
    operator = new_page()
    sign_in(operator, live_server.url, story["operator"].email)
    operator.goto(live_server.url + "/dashboard/pickups/")
    assert "100777" in operator.locator(".pickup").inner_text()
    shot(operator, "pickups-to-prepare")
    operator.locator(".pickup form:has(input[value=ready]) button").click()
    operator.wait_for_load_state()
    shot(operator, "pickup-ready")
    buyer.goto(live_server.url + order_path)
    assert buyer.locator("#vietqr_transfer").count() == 0
    shot(buyer, "buyer-ready-for-pickup")
    operator.locator(".pickup form:has(input[value=collected]) button").click()
    operator.wait_for_load_state()
    assert story["order"].lines.get().status == "delivered"
    buyer.goto(live_server.url + order_path)
    shot(buyer, "buyer-collected")
