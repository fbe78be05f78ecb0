"""A buyer on a phone opens ``/t/<code>`` (what the QR code of a stamp holds) for a genuine, a revoked
and an unknown code, reads the verdict in Vietnamese, then switches to English once."""

import pytest

from shop.accounts.roles import Role
from shop.stamps.models import CounterfeitReport, RevocationReason, StampBatch
from shop.stamps.revocation import revoke
from tests.factories import HA_TINH, ProducerFactory, certified_product, government_officer, stamp_batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
UNKNOWN_CODE = "zzzzzzzzzzzzzzzz"  # well-formed, but no stamp has it


@pytest.fixture
def page(browser):
    """A phone-sized page whose browser prefers English: the site still answers in Vietnamese first."""
    context = browser.new_context(**PHONE, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def private_folder(tmp_path, monkeypatch):
    """The print files the issuing task renders go to the test's own folder, not var/test-private."""
    for field in (StampBatch._meta.get_field("pdf_file"), StampBatch._meta.get_field("zip_file")):
        for name in ("base_location", "location"):  # FileSystemStorage's cached properties
            monkeypatch.setitem(field.storage.__dict__, name, str(tmp_path))


@pytest.fixture
def stamps():
    officer = government_officer(Role.COORDINATION_OFFICER, HA_TINH, "vpdp-browser@example.vn")
    producer = ProducerFactory(name="HTX Nuôi ong Hương Khê", code="htx-nuoi-ong-browser")
    honey = certified_product(stars=4, title="Mật ong hoa rừng Hương Khê – chai 500 ml", producer=producer)
    genuine = stamp_batch(honey, quantity=3, issued_by=officer, lot="MO-HK-2601")
    lost = stamp_batch(honey, quantity=4, issued_by=officer, lot="MO-HK-2602")
    revoke(lost, lost.first_number, lost.last_number, reason=RevocationReason.LOST_OR_STOLEN, revoked_by=officer)
    return {
        "genuine": genuine.stamps.order_by("number").first(),
        "revoked": lost.stamps.order_by("number").last(),
        "honey": honey,
    }


def banner(page):
    return page.locator("section.ocop-verdict")


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_buyer_checks_a_genuine_a_revoked_and_an_unknown_stamp_on_a_phone(stamps, live_server, page, screenshot):
    genuine, revoked, honey = stamps["genuine"], stamps["revoked"], stamps["honey"]

    # A genuine stamp: the verdict, then the facts a buyer compares with the product in hand.
    response = page.goto(f"{live_server.url}/t/{genuine.code}")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "vi"
    assert banner(page).get_attribute("data-verdict") == "genuine"
    assert banner(page).locator("h1").inner_text().strip() == "Tem OCOP thật"
    facts = "\n".join(page.locator("dl.ocop-stamp-facts").all_inner_texts())
    assert genuine.serial in facts and "MO-HK-2601" in facts
    assert honey.certificate.number in facts
    assert "Số sê-ri tem" in facts and "Lô sản xuất" in facts
    product = page.locator("section.ocop-stamp-product").inner_text()
    assert "Mật ong hoa rừng Hương Khê" in product and "HTX Nuôi ong Hương Khê" in product and "Hà Tĩnh" in product
    assert page.locator("section.ocop-stamp-product .ocop-stars-filled").inner_text() == "★★★★"
    assert fits_the_phone(page)
    screenshot("genuine-vi")

    # A revoked stamp: the verdict and the reason's category.
    response = page.goto(f"{live_server.url}/t/{revoked.code}")
    assert response.status == 200
    assert banner(page).get_attribute("data-verdict") == "revoked"
    assert banner(page).locator("h1").inner_text().strip() == "Tem này đã bị thu hồi"
    assert "Bị mất hoặc bị đánh cắp" in banner(page).inner_text()
    assert revoked.serial in page.locator("dl.ocop-stamp-own-facts").inner_text()
    assert fits_the_phone(page)
    screenshot("revoked-vi")

    # An unknown code: possibly counterfeit, and how to report it.
    response = page.goto(f"{live_server.url}/t/{UNKNOWN_CODE}")
    assert response.status == 404
    assert banner(page).get_attribute("data-verdict") == "unknown"
    assert banner(page).locator("h1").inner_text().strip() == "Mã không xác định: có thể là hàng giả"
    assert UNKNOWN_CODE in banner(page).inner_text()
    report = page.locator("a", has_text="Báo cáo nghi hàng giả")
    assert report.is_visible() and report.get_attribute("href") == f"/t/{UNKNOWN_CODE}/report/"
    assert not page.locator("dl.ocop-stamp-facts").count()
    assert fits_the_phone(page)
    screenshot("unknown-vi")

    # Back to the genuine stamp, in English once: the same verdict, and this page load is its second scan.
    page.goto(f"{live_server.url}/t/{genuine.code}")
    page.locator("button[name='language'][value='en']").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/t/{genuine.code}"
    assert page.locator("html").get_attribute("lang") == "en"
    assert banner(page).locator("h1").inner_text().strip() == "Genuine OCOP stamp"
    facts = page.locator("dl.ocop-stamp-own-facts").inner_text()
    assert "Stamp serial" in facts and genuine.serial in facts
    genuine.refresh_from_db()
    assert genuine.scan_count == 3  # the first visit, the second, and the page in English
    assert "Scanned 3 times" in facts
    screenshot("genuine-en")
    assert not CounterfeitReport.objects.exists()
