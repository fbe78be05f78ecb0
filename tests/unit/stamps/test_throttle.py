"""Rate limits in fixed windows of the cache: counts, Retry-After, windows that end, keys without addresses."""

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory
from django.utils import translation

from shop.stamps import throttle

# 10:00:15 into an hour (an hour starts at a multiple of 3600 seconds since the epoch).
START = 1_780_000_000 - 1_780_000_000 % 3600 + 15


@pytest.fixture(autouse=True)
def limits(settings):
    settings.OCOP_STAMP_LOOKUPS_PER_MINUTE = 3
    settings.OCOP_STAMP_UNKNOWN_CODES_PER_HOUR = 2
    settings.OCOP_STAMP_REPORTS_PER_HOUR = 2
    settings.TRUSTED_PROXY_COUNT = 0


def request_from(address):
    return RequestFactory().get("/t/abc", REMOTE_ADDR=address)


def test_lookups_a_minute_then_refused_until_the_minute_ends():
    request = request_from("203.0.113.5")
    assert [throttle.lookup_refusal(request, now=START + i) for i in range(3)] == [None, None, None]
    refusal = throttle.lookup_refusal(request, now=START + 3)
    assert refusal.reason == "lookups"
    assert refusal.retry_after == 60 - 15 - 3
    # The next minute starts afresh.
    assert throttle.lookup_refusal(request, now=START + 45) is None


def test_each_client_has_its_own_count():
    for _ in range(3):
        throttle.lookup_refusal(request_from("203.0.113.5"), now=START)
    assert throttle.lookup_refusal(request_from("203.0.113.5"), now=START) is not None
    assert throttle.lookup_refusal(request_from("203.0.113.6"), now=START) is None


def test_a_client_out_of_unknown_codes_is_refused_every_lookup_until_the_hour_ends():
    request = request_from("198.51.100.20")
    for _ in range(2):
        assert throttle.lookup_refusal(request, now=START) is None
        throttle.count_unknown_code(request, now=START)
    refusal = throttle.lookup_refusal(request, now=START + 600)
    assert refusal.reason == "unknown_codes"
    assert refusal.retry_after == 3600 - 15 - 600
    # Refused look-ups are not counted against the minute: the hour's end lets the client in again.
    assert throttle.lookup_refusal(request, now=START + 3600) is None


def test_reports_an_hour():
    request = request_from("192.0.2.44")
    assert throttle.report_refusal(request, now=START) is None
    assert throttle.report_refusal(request, now=START + 1) is None
    refusal = throttle.report_refusal(request, now=START + 2)
    assert refusal.reason == "reports" and refusal.retry_after == 3600 - 17
    assert throttle.report_refusal(request, now=START + 3600) is None


def test_the_client_behind_our_proxy_is_counted(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxied = [
        RequestFactory().get("/t/abc", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in (1, 2)
    ]
    for _ in range(3):
        throttle.lookup_refusal(proxied[0], now=START)
    assert throttle.lookup_refusal(proxied[0], now=START) is not None
    assert throttle.lookup_refusal(proxied[1], now=START) is None


def test_cache_keys_hold_no_address():
    request = request_from("203.0.113.77")
    throttle.lookup_refusal(request, now=START)
    throttle.count_unknown_code(request, now=START)
    client = throttle.client_of(request)
    assert "203.0.113" not in client
    assert cache.get(throttle._key("lookups", client, int(START // 60))) == 1
    assert cache.get(throttle._key("unknown", client, int(START // 3600))) == 1
    if isinstance(cache, LocMemCache):  # it shows every key it holds
        assert not any("203.0.113" in key for key in cache._cache)


class VanishingCache:
    """A cache whose key expires between add() and incr()."""

    def __init__(self):
        self.keys = set()

    def add(self, key, value, timeout=None):
        if key in self.keys:
            return False
        self.keys.add(key)
        return True

    def incr(self, key, delta=1):
        self.keys.discard(key)
        raise ValueError(f"Key '{key}' not found")


def test_a_count_survives_its_key_vanishing_between_add_and_incr(monkeypatch):
    fake = VanishingCache()
    monkeypatch.setattr(throttle, "cache", fake)
    assert throttle._hit("stamps:throttle:test", 60) == 1  # made by add()
    assert throttle._hit("stamps:throttle:test", 60) == 1  # gone before incr(): a new window starts with it
    assert "stamps:throttle:test" in fake.keys


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 second"), (45, "45 seconds"), (89, "89 seconds"), (90, "2 minutes"), (600, "10 minutes")],
)
def test_wait_text(seconds, text):
    with translation.override("en"):
        assert throttle.wait_text(seconds) == text


def test_messages_say_how_long_to_wait():
    with translation.override("en"):
        assert "try again in 45 seconds" in throttle.Refusal("lookups", 45).message
        assert "guessing codes" in throttle.Refusal("unknown_codes", 1200).message
        assert "20 minutes" in throttle.Refusal("unknown_codes", 1200).message
        assert "still in the form" in throttle.Refusal("reports", 90).message
