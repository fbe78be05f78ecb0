"""Look-ups are rate-limited per client; a flood of unknown codes is slowed down, never served forever."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from shop.stamps.models import Stamp, StampScan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.OCOP_STAMP_LOOKUPS_PER_MINUTE = 5
    settings.OCOP_STAMP_UNKNOWN_CODES_PER_HOUR = 3


@pytest.fixture
def start():
    """Ten seconds into a minute and into an hour, so that the windows' ends are known."""
    now = timezone.now().replace(minute=0, second=10, microsecond=0) + timedelta(hours=1)
    with freeze_time(now) as frozen:
        yield frozen


def test_too_many_lookups_a_minute_answer_429_without_counting_a_scan(english, stamp, start):
    statuses = [english.get(f"/t/{stamp.code}").status_code for _ in range(5)]
    assert statuses == [200] * 5
    response = english.get(f"/t/{stamp.code}")
    assert response.status_code == 429
    assert response["Retry-After"] == "50"
    html = response.content.decode()
    assert "Too many checks" in html and "Please try again in 50 seconds." in html
    assert response["Cache-Control"] == "no-store"
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 5
    assert StampScan.objects.count() == 5


def test_the_json_says_429_in_json(english, stamp, start):
    for _ in range(5):
        english.get(f"/t/{stamp.code}.json")
    response = english.get(f"/t/{stamp.code}.json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "rate_limited",
        "reason": "lookups",
        "message": "Too many checks from your connection. Please try again in 50 seconds.",
        "retry_after": 50,
    }
    response = english.get(f"/t/{stamp.code}", headers={"accept": "application/json"})
    assert response.status_code == 429 and response.json()["reason"] == "lookups"


def test_the_next_minute_lets_the_client_in_again(client, stamp, start):
    for _ in range(5):
        client.get(f"/t/{stamp.code}")
    assert client.get(f"/t/{stamp.code}").status_code == 429
    start.tick(timedelta(seconds=50))
    assert client.get(f"/t/{stamp.code}").status_code == 200
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 6


def test_other_clients_are_not_held_up(client, stamp, start):
    for _ in range(6):
        client.get(f"/t/{stamp.code}", REMOTE_ADDR="198.51.100.1")
    assert client.get(f"/t/{stamp.code}", REMOTE_ADDR="198.51.100.1").status_code == 429
    assert client.get(f"/t/{stamp.code}", REMOTE_ADDR="198.51.100.2").status_code == 200


def test_a_flood_of_unknown_codes_is_slowed_to_the_hours_allowance(english, stamp, start):
    guesses = [f"{n:a>16}" for n in range(2, 8)]  # "aaaaaaaaaaaaaaa2", ...: valid-looking, unknown
    statuses = [english.get(f"/t/{guess}").status_code for guess in guesses[:3]]
    assert statuses == [404, 404, 404]
    # The allowance is used up: every look-up now waits for the hour's end, a known code's too
    # (answering it would tell a guesser which codes exist), and nothing reaches the database.
    response = english.get(f"/t/{guesses[3]}")
    assert response.status_code == 429
    assert response["Retry-After"] == str(3600 - 10)
    assert "guessing codes" in response.content.decode()
    assert "60 minutes" in response.content.decode()
    assert english.get(f"/t/{stamp.code}").status_code == 429
    assert english.get(f"/t/{stamp.code}.json").json()["reason"] == "unknown_codes"
    assert english.get(f"/t/{stamp.code}/report/").status_code == 429
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 0
    # An hour on, the client may look codes up again.
    start.tick(timedelta(seconds=3600))
    assert english.get(f"/t/{stamp.code}").status_code == 200
    assert english.get(f"/t/{guesses[4]}").status_code == 404


def test_malformed_codes_count_as_unknown(client, stamp, start):
    for text in ("hello", "x" * 80, "HT-2026-00000001"):
        assert client.get(f"/t/{text}").status_code == 404
    assert client.get(f"/t/{stamp.code}").status_code == 429


def test_known_codes_do_not_use_the_unknown_allowance(client, batch, start):
    codes = list(batch.stamps.values_list("code", flat=True)[:5])
    assert [client.get(f"/t/{code}").status_code for code in codes] == [200] * 5
    start.tick(timedelta(seconds=60))
    assert [client.get(f"/t/{code}").status_code for code in codes] == [200] * 5


def test_head_requests_are_counted_too(client, stamp, start):
    for _ in range(5):
        assert client.head(f"/t/{stamp.code}").status_code == 200
    assert client.head(f"/t/{stamp.code}").status_code == 429
