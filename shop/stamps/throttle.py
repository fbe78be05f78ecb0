"""Rate limits of the verification page and the counterfeit report, kept in the Django cache.

Each limit counts in fixed windows (a minute, an hour) aligned on the clock: one cache key per
client and window, created with ``cache.add`` and counted with ``cache.incr``, both atomic in
Redis (and in the local-memory cache), so concurrent requests never lose a count. Keys hold a
keyed hash of the client's address (shop.stamps.scans.client_key), never the address itself,
and expire with their window.

The limits:

- look-ups (``/t/<code>``, its JSON, the report page): OCOP_STAMP_LOOKUPS_PER_MINUTE a minute;
- codes that match no stamp: OCOP_STAMP_UNKNOWN_CODES_PER_HOUR an hour. A client that has used
  them up is refused *every* look-up, of known codes too, until the hour is over, and without
  the database being asked. Refusing only the unknown codes would answer a guess that hits with
  200 and a miss with 429, and so go on telling a guesser which codes exist; refusing them all
  slows a flood of guessed codes to that many guesses an hour. The price is that one address
  (a family, or many phones behind one carrier address) that met that many unknown codes in an
  hour waits until the hour is over;
- counterfeit reports sent: OCOP_STAMP_REPORTS_PER_HOUR an hour, every attempt counted.
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext, ngettext

from shop.stamps.scans import client_address, client_key

MINUTE = 60
HOUR = 3600
KEY_PREFIX = "stamps:throttle"


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused (``lookups``, ``unknown_codes`` or ``reports``) and for how many seconds."""

    reason: str
    retry_after: int

    @property
    def message(self):
        """What the visitor reads, in the active language."""
        wait = wait_text(self.retry_after)
        if self.reason == "unknown_codes":
            return gettext(
                "Many codes checked from your connection in the last hour match no stamp. To stop people "
                "guessing codes, checks from your connection are paused; please try again in %(wait)s."
            ) % {"wait": wait}
        if self.reason == "reports":
            return gettext(
                "You have sent several reports in the last hour. Please try again in %(wait)s; "
                "what you wrote is still in the form."
            ) % {"wait": wait}
        return gettext("Too many checks from your connection. Please try again in %(wait)s.") % {"wait": wait}


def wait_text(seconds):
    """ "45 seconds", "12 minutes": how long to wait, in the active language."""
    if seconds < 90:
        return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def _window(window, now):
    """(the window's number, seconds until it ends) for a window of ``window`` seconds at ``now``."""
    number = int(now // window)
    return number, max(1, math.ceil((number + 1) * window - now))


def _key(kind, client, number):
    return f"{KEY_PREFIX}:{kind}:{client}:{number}"


def _hit(key, window):
    """Count one more in ``key`` (made if missing, for ``window`` seconds); returns the new count.

    The key exists for all but a window's first hit: incr() first is one round trip to the cache.
    """
    try:
        return cache.incr(key)
    except ValueError:  # the window's first hit
        if cache.add(key, 1, timeout=window):
            return 1
    try:
        return cache.incr(key)  # another request started the window meanwhile
    except ValueError:  # ... and it has already ended
        cache.add(key, 1, timeout=window)
        return 1


def client_of(request):
    return client_key(client_address(request))


def lookup_refusal(request, now=None):
    """Count one look-up by the request's client; a Refusal when it is over a limit, else None.

    Call it before the database is asked anything about the code.
    """
    now = time.time() if now is None else now
    client = client_of(request)
    hour, hour_left = _window(HOUR, now)
    if (cache.get(_key("unknown", client, hour)) or 0) >= settings.OCOP_STAMP_UNKNOWN_CODES_PER_HOUR:
        return Refusal("unknown_codes", hour_left)
    minute, minute_left = _window(MINUTE, now)
    if _hit(_key("lookups", client, minute), MINUTE) > settings.OCOP_STAMP_LOOKUPS_PER_MINUTE:
        return Refusal("lookups", minute_left)
    return None


def count_unknown_code(request, now=None):
    """Count one code of the request's client that matched no stamp; returns the hour's count."""
    now = time.time() if now is None else now
    hour, _left = _window(HOUR, now)
    return _hit(_key("unknown", client_of(request), hour), HOUR)


def report_refusal(request, now=None):
    """Count one counterfeit report sent by the request's client; a Refusal when over the hour's limit."""
    now = time.time() if now is None else now
    hour, hour_left = _window(HOUR, now)
    if _hit(_key("reports", client_of(request), hour), HOUR) > settings.OCOP_STAMP_REPORTS_PER_HOUR:
        return Refusal("reports", hour_left)
    return None
