"""localstripe for the card payment integration tests: the shared fixtures of tests/localstripe.py (a
session's localstripe on a free port, emptied per test, its signed webhooks sent to the live server)."""

from tests.localstripe import localstripe, localstripe_url, webhooks_to  # noqa: F401
