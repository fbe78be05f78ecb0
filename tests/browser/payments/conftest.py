"""localstripe for the card page's browser tests (tests/localstripe.py)."""

from tests.localstripe import localstripe, localstripe_url, webhooks_to  # noqa: F401
