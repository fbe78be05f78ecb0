import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THANH_HOA = 38


@pytest.fixture
def demo_world():
    call_command("load_demo_data", verbosity=0)


def card_titles(page):
    return [title.strip() for title in page.locator(".ocop-card-title a").all_inner_texts()]


def test_buyer_searches_without_diacritics_narrows_by_facets_and_opens_a_result(
    demo_world, live_server, page, screenshot
):
    page.goto(live_server.url + "/catalogue/")
    box = page.locator("#id_q")
    box.press_sequentially("nuoc mam", delay=60)

    # Suggestions as the buyer types: products whose names fold to the words typed.
    suggestions = page.locator("#ocop_search_suggestions")
    suggestions.locator("a").first.wait_for()
    assert "Nước mắm" in suggestions.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    screenshot("suggestions")

    box.press("Enter")
    page.wait_for_url("**/search/?q=nuoc+mam")
    titles = card_titles(page)
    assert titles and all("Nước mắm" in title for title in titles), titles
    assert any("Cẩm Nhượng" in title for title in titles) and any("Ba Làng" in title for title in titles)
    screenshot("results")

    # Narrow to Thanh Hóa, then to the first star level offered; the counts follow.
    filters = page.locator("#catalogue_filters")
    filters.locator(f"input[name='province'][value='{THANH_HOA}']").check()
    filters.locator("button[type='submit']").click()
    page.wait_for_load_state()
    titles = card_titles(page)
    assert titles and all("Ba Làng" in title for title in titles), titles
    stars = filters.locator("input[name='stars']").first
    star_value = stars.get_attribute("value")
    stars.check()
    filters.locator("button[type='submit']").click()
    page.wait_for_load_state()
    assert f"stars={star_value}" in page.url and f"province={THANH_HOA}" in page.url
    narrowed = card_titles(page)
    assert narrowed and set(narrowed) <= set(titles)
    assert filters.locator(f"input[name='province'][value='{THANH_HOA}']").is_checked()
    screenshot("narrowed")

    page.locator(".ocop-card-title a").first.click()
    page.wait_for_load_state()
    assert narrowed[0] in page.locator("h1").inner_text()
    assert "★" in page.locator("body").inner_text()
    screenshot("product")


def test_buyer_finds_the_sales_points_and_fairs_where_to_see_a_product_on_their_tabs(
    demo_world, live_server, page, screenshot
):
    page.goto(live_server.url + "/search/?q=cam+vu+quang")
    tabs = page.locator(".ocop-search-tabs .nav-link")
    assert tabs.count() == 3
    assert tabs.nth(0).get_attribute("aria-current") == "page"

    # The fairs' tab: the Orange Festival, where the Vũ Quang orange cooperative has a booth.
    tabs.nth(2).click()
    page.wait_for_url("**/search/fairs/?q=cam+vu+quang")
    fairs = page.locator(".ocop-place-result h2").all_inner_texts()
    assert "Lễ hội Cam và các sản phẩm nông nghiệp Hà Tĩnh" in fairs, fairs
    screenshot("fairs-tab")

    # The sales points' tab, for a place this time: the sales points of Hà Tĩnh first (the others
    # found hold a product named after Hà Tĩnh).
    page.goto(live_server.url + "/search/sales-points/?q=ha+tinh")
    points = page.locator(".ocop-place-result")
    addresses = points.locator("p:not(.small)").all_inner_texts()
    assert addresses and "Hà Tĩnh" in addresses[0], addresses
    in_ha_tinh = ["Hà Tĩnh" in address for address in addresses]
    assert in_ha_tinh == sorted(in_ha_tinh, reverse=True), addresses
    screenshot("sales-points-tab")

    points.first.locator("h2 a").click()
    page.wait_for_load_state()
    assert "/sales-points/" in page.url
    screenshot("sales-point")
