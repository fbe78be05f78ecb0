"""Steps of a buyer's way through the storefront and the checkout, shared by the checkout journeys."""

from django.contrib.auth import get_user_model

BUYER_PASSWORD = "ocop-journey"


def buyer_account(email="ngoc.anh@example.vn", first_name="Ngọc Anh", last_name="Trần"):
    return get_user_model().objects.create_user(
        username=email, email=email, password=BUYER_PASSWORD, first_name=first_name, last_name=last_name
    )


def sign_in(page, base_url, email, password):
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.locator("button[name='login_submit']").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "the sign-in was refused"


def search(page, words):
    """Type ``words`` in the header's search box and send it."""
    box = page.locator("#id_q")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")


def add_from_results(page, title):
    """Put one unit of the result card titled ``title`` in the basket, staying on the results."""
    card = page.locator(".ocop-card", has=page.locator(".ocop-card-title a", has_text=title))
    assert card.count() == 1, f"{title!r} is not among the results"
    with page.expect_navigation():
        card.locator("form[action*='/basket/add/'] button[type='submit']").click()


def fill_delivery_address(page, *, ward_code, street, province_code=42):
    """Choose the province, then the ward from the list the page loads for it, and type the street."""
    ward = page.locator(f"#id_ward_code option[value='{ward_code}']")
    assert ward.count() == 0, "the wards are listed before a province is chosen"
    page.select_option("#id_province_code", str(province_code))
    ward.wait_for(state="attached")
    page.select_option("#id_ward_code", str(ward_code))
    page.fill("#id_street", street)
