"""A producer lists a new product from a phone, an officer approves it, and buyers find it."""

import io

import pytest
from PIL import Image

from shop.accounts.roles import Role
from tests.factories import HA_TINH, ProducerFactory, certified_product, government_officer, partner_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def people():
    producer = ProducerFactory(name="HTX Cam Vũ Quang", code="htx-cam-vu-quang-journey")
    certified_product(producer=producer, title="Cam bù Hương Sơn", stars=4)
    staff = partner_staff(producer, "hung@example.vn")
    officer = government_officer(Role.COORDINATION_OFFICER, HA_TINH, "vpdp@example.vn")
    for user in (staff, officer):
        user.set_password("ocop-journey")
        user.save()
    return staff, officer


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "cam-bu.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (242, 140, 40)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def sign_in(page, base_url, email):
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", "ocop-journey")
    page.locator("button[name='login_submit']").click()
    page.wait_for_load_state()


def test_producer_lists_officer_approves_buyer_finds(browser, live_server, people, photo, request):
    from tests.browser.conftest import SCREENSHOTS

    staff, officer = people
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    steps = iter(range(1, 100))

    def shot(page, step):
        page.screenshot(path=str(folder / f"{next(steps):02d}-{step}.png"), full_page=True)

    # The producer, on a phone, creates the listing with a photo.
    producer_context = browser.new_context(locale="vi-VN", **PHONE)
    producer_page = producer_context.new_page()
    producer_page.set_default_timeout(15_000)
    sign_in(producer_page, live_server.url, staff.email)
    producer_page.goto(live_server.url + "/dashboard/")
    shot(producer_page, "producer-home")
    producer_page.goto(live_server.url + "/dashboard/listings/new/")
    producer_page.select_option("#id_certificate", index=1)
    producer_page.fill("#id_packaging", "Hộp 6 quả")
    # Oscar's dashboard turns the description into a TinyMCE editor once the page has loaded.
    producer_page.evaluate(
        """async () => {
            const html = '<p>Cam bù chín cây, <strong>hái trong ngày</strong>.</p>';
            document.querySelector('#id_description').value = html;
            if (!window.tinymce) { return; }
            for (let i = 0; i < 100; i++) {
                const editor = tinymce.get('id_description');
                if (editor && editor.initialized) { editor.setContent(html); editor.save(); return; }
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        }"""
    )
    assert "hái trong ngày" in producer_page.input_value("#id_description")
    producer_page.fill("#id_price", "180000")
    producer_page.fill("#id_num_in_stock", "0")
    producer_page.set_input_files("#id_photo_1", str(photo))
    shot(producer_page, "producer-new-listing")
    producer_page.locator("#listing_create_form button[type='submit']").click()
    producer_page.wait_for_load_state()
    assert "/dashboard/listings/" in producer_page.url
    assert "Cam bù Hương Sơn – Hộp 6 quả" in producer_page.locator("body").inner_text()
    shot(producer_page, "producer-awaiting-review")

    # Not in the catalogue before review.
    buyer_context = browser.new_context(locale="vi-VN")
    buyer_page = buyer_context.new_page()
    buyer_page.goto(live_server.url + "/catalogue/")
    assert "Hộp 6 quả" not in buyer_page.locator("body").inner_text()

    # The officer approves it from the review queue.
    officer_context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    officer_page = officer_context.new_page()
    officer_page.set_default_timeout(15_000)
    sign_in(officer_page, live_server.url, officer.email)
    officer_page.goto(live_server.url + "/dashboard/")
    assert "/dashboard/review/" in officer_page.url
    shot(officer_page, "officer-queue")
    officer_page.get_by_role("link", name="Cam bù Hương Sơn – Hộp 6 quả").click()
    officer_page.wait_for_load_state()
    assert officer_page.locator("img[src*='listings/pending']").count() >= 1
    shot(officer_page, "officer-review")
    officer_page.locator("input[name='decision'][value='approve'] ~ button").click()
    officer_page.wait_for_load_state()
    shot(officer_page, "officer-approved")

    # The producer sets the stock, live at once.
    producer_page.goto(live_server.url + "/dashboard/stock/?q=Hộp 6 quả")
    producer_page.locator("a[href*='/dashboard/stock/']").filter(has_text="Hộp 6 quả").first.click()
    producer_page.wait_for_load_state()
    producer_page.fill("#id_num_in_stock", "25")
    producer_page.locator("form button[type='submit']").last.click()
    producer_page.wait_for_load_state()
    assert "25" in producer_page.locator("body").inner_text()
    shot(producer_page, "producer-stock-set")

    # Buyers now find it in the catalogue, with its photo, stars and price.
    buyer_page.goto(live_server.url + "/catalogue/")
    card = buyer_page.locator(".ocop-card").filter(has_text="Hộp 6 quả")
    assert card.count() == 1
    text = card.inner_text()
    assert "180.000" in text and "★" in text
    shot(buyer_page, "buyer-catalogue")
    card.locator(".ocop-card-title a").click()
    buyer_page.wait_for_load_state()
    assert "hái trong ngày" in buyer_page.locator("body").inner_text()
    shot(buyer_page, "buyer-product")
    for context in (producer_context, officer_context, buyer_context):
        context.close()
