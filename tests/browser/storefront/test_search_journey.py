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
