"""Helpers of the storefront tests: what a buyer sees, data in states a buyer must not see."""

import re
from datetime import timedelta
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import OcopCertificate, today
from tests.factories import CertificateFactory, ProductFactory

# Oscar's currency filter joins amount and symbol with a no-break space (OSCAR_CURRENCY_FORMAT),
# so "₫" never wraps away from its amount; a buyer reads "1.250.000 ₫".
NBSP = "\xa0"


class _TextExtractor(HTMLParser):
    SKIP = {"script", "style", "head"}

    def __init__(self):
        super().__init__()
        self.parts = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(response):
    """The page's text with tags removed and runs of white space (no-break spaces too) made one space."""
    parser = _TextExtractor()
    parser.feed(response.content.decode())
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def html(response):
    return response.content.decode()


def expired_product(**fields):
    """A product whose 4-star certificate ran out a year ago."""
    product = ProductFactory(**fields)
    CertificateFactory(product=product, decision_date=today() - timedelta(days=4 * 365))
    product.refresh_from_db()
    return product


def withdrawn_product(**fields):
    product = ProductFactory(**fields)
    CertificateFactory(
        product=product, status=OcopCertificate.Status.WITHDRAWN, withdrawn_on=today() - timedelta(days=3)
    )
    product.refresh_from_db()
    return product


def two_star_product(**fields):
    product = ProductFactory(**fields)
    CertificateFactory(product=product, stars=2)
    product.refresh_from_db()
    return product


def count_queries(client, url):
    """The number of queries a GET of ``url`` makes, after one warm-up request."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def translated(language, message):
    """``message`` as the site shows it in ``language`` (Oscar's English catalogue says "cart" for "basket")."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(message)
