import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo_world():
    call_command("load_demo_data", verbosity=0)


def test_buyer_browses_home_category_product_and_switches_to_english(demo_world, live_server, page, screenshot):
    # A browser that prefers English still gets Vietnamese until the buyer chooses.
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator(".ocop-card").count() > 0
    screenshot("home")

    group_link = page.locator("a[href*='/catalogue/category/']").first
    group_name = group_link.inner_text().strip()
    page.goto(live_server.url + group_link.get_attribute("href"))
    assert group_name in page.locator("h1").inner_text()
    assert page.locator(".ocop-card").count() > 0
    screenshot("category")

    page.locator(".ocop-card-title a").first.click()
    page.wait_for_load_state()
    assert "/catalogue/" in page.url
    body = page.locator("body").inner_text()
    assert "₫" in body
    assert "★" in body
    assert "Giấy chứng nhận OCOP" in body
    screenshot("product-vi")

    page.locator("button[name='language'][value='en']").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    body = page.locator("body").inner_text()
    assert "OCOP certificate" in body
    assert "₫" in body
    screenshot("product-en")
