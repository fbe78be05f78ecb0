"""localstripe for the card journey (tests/localstripe.py)."""

from tests.localstripe import localstripe, localstripe_url, webhooks_to  # noqa: F401
