"""localstripe, a real HTTP fake of Stripe's API, for the tests that pay by card: started once per test
session on a free loopback port (``python -m localstripe``), emptied before each test, our settings
pointed at it (the API, and Stripe.js at its stand-in), its signed webhooks sent to the test's live
server. localstripe is a test requirement, so these tests run in every mode; if it cannot start, CI
fails and elsewhere the tests skip with the reason.

A conftest makes the fixtures available with
``from tests.localstripe import localstripe, localstripe_url, webhooks_to  # noqa: F401``.
"""

import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import missing_service
from tests.unit.payments.cards import WEBHOOK_SECRET

SECRET_KEY = "sk_test_ocop_localstripe"
PUBLISHABLE_KEY = "pk_test_ocop_localstripe"
WEBHOOK_EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed"]
#: Nothing listens here (the discard port): where the webhook points between tests.
NOWHERE = "http://127.0.0.1:9/"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{url}/v1/balance", auth=(SECRET_KEY, ""), timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                missing_service(f"localstripe did not start on port {port}: {log.read_text()[-2000:]}")
            time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def localstripe(localstripe_url, settings):
    """An empty localstripe, our settings pointed at it (Stripe.js too, at its stand-in)."""
    requests.delete(f"{localstripe_url}/_config/data", timeout=5).raise_for_status()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    return localstripe_url


def register_webhook(localstripe_url, url):
    response = requests.post(
        f"{localstripe_url}/_config/webhooks/ocop",
        json={"url": url, "secret": WEBHOOK_SECRET, "events": WEBHOOK_EVENTS},
        timeout=5,
    )
    response.raise_for_status()


@pytest.fixture
def webhooks_to(localstripe, live_server):
    """localstripe's PaymentIntent webhooks sent, signed with our secret, to this test's live server.

    localstripe keeps its webhooks across data resets and sends each a second after the fact: the
    registration is pointed nowhere after the test, so that a late one cannot reach the next test."""
    from django.urls import reverse

    register_webhook(localstripe, live_server.url + reverse("payments:stripe-webhook"))
    yield live_server
    register_webhook(localstripe, NOWHERE)


def new_token(localstripe_url, number):
    """A Stripe.js-style token for a test card (as the stand-in's createToken makes): its card's id."""
    response = requests.post(
        f"{localstripe_url}/v1/tokens",
        data={
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2030",
            "card[cvc]": "123",
            "key": PUBLISHABLE_KEY,
        },
        timeout=5,
    )
    response.raise_for_status()
    return response.json()["card"]["id"]
