"""Chromium, driven by Playwright, against the live test server.

In CI mode a missing browser is a failure; elsewhere the browser tests are
skipped with the reason, so that ``make test`` passes on a fresh machine.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import CI

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"

# Playwright's sync API runs an event loop in this thread; the test's own
# database work is still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _unavailable_reason():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def serialized_database(django_db_setup, django_db_blocker):
    """The test database's serialized contents (Wagtail's root page and the other migrated data).

    Playwright's sync API runs the tests in a context of its own, where Django's connection
    objects are new ones: without this, a ``serialized_rollback`` test that follows another
    transactional test finds nothing to restore and starts from an empty database.
    """
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


@pytest.fixture(autouse=True)
def _restorable_database(request, serialized_database):
    from django.db import connections

    for alias, contents in serialized_database.items():
        connections[alias]._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser(serialized_database):
    reason = _unavailable_reason()
    if reason:
        if CI:
            pytest.fail(f"Browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot named after the test and the step."""
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(step):
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
