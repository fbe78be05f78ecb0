"""Script payloads through every text a producer can write come out inert wherever they are shown.

Producer-written text: a listing's packaging (part of its title) and description, the
producer page's story and street address, an order line's carrier, tracking number and
cancellation reason, and the cells of an imported sheet. Each payload carries a marker;
a page is unsafe if the marker reaches a script, an event handler or a javascript:/data: URL.
"""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.listings import approve_revision, propose_listing_changes
from shop.order.fulfilment import advance_line, cancel_line
from tests.factories import certified_product, placed_order

pytestmark = pytest.mark.django_db

MARKER = "xss1337"
PAYLOADS = [
    f"<script>alert('{MARKER}')</script>",
    f"<img src=x onerror=\"alert('{MARKER}')\">",
    f"<a href=\"javascript:alert('{MARKER}')\">click</a>",
    f"<a href=\"JaVaScRiPt:alert('{MARKER}')\">click</a>",
    f"<a href=\"&#106;avascript:alert('{MARKER}')\">click</a>",
    f"<a href=\" javascript:alert('{MARKER}')\">click</a>",
    f"<svg onload=\"alert('{MARKER}')\"><circle r=1 /></svg>",
    f"<svg><script>alert('{MARKER}')</script></svg>",
    f"\"><script>alert('{MARKER}')</script>",
    f"'><img src=x onerror=alert('{MARKER}')>",
    f"<iframe src=\"javascript:alert('{MARKER}')\"></iframe>",
    f"<div style=\"background:url(javascript:alert('{MARKER}'))\">x</div>",
    f'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgn{MARKER}\')">x</a>',
    f"<math><mtext><table><mglyph><style><img src=x onerror=alert('{MARKER}')>",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"}


class DangerFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.dangers = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag in {"script", "style"}
        for name, value in attrs:
            value = value or ""
            if MARKER not in value:
                continue
            compact = "".join(value.split()).lower()
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}=…>")
            elif name in URL_ATTRIBUTES and compact.startswith(("javascript:", "data:", "vbscript:")):
                self.dangers.append(f"<{tag} {name}={value[:40]}>")
            elif name == "style" and "javascript:" in compact:
                self.dangers.append(f"<{tag} style=…>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARKER in data:
            self.dangers.append(f"script/style text: {data[:60]}")


def dangers_in(html):
    finder = DangerFinder()
    finder.feed(html)
    return finder.dangers


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="root", email="root@example.vn", password="x")


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_producer_text_is_inert_on_public_and_dashboard_pages(client_a, staff_a, superuser, payload):
    producer = staff_a.partners.get()
    product = certified_product(producer=producer, title="Mật ong rừng")
    packaging = payload[:100]

    # The producer page, through the dashboard form.
    client_a.post(
        reverse("dashboard:producer-profile"),
        {"story": payload, "street_address": payload[:255], "phone": "0912345678", "email": "a@example.vn"},
    )
    # A listing change, approved by the coordination office.
    revision = propose_listing_changes(product, packaging=packaging, description=payload, user=staff_a)
    approve_revision(revision, reviewer=superuser)
    product.refresh_from_db()
    # A second change waiting for review, so the queue shows the payload too.
    pending = propose_listing_changes(product, description=f"<p>{payload}</p>", user=staff_a)

    # Order lines moved by the producer with payloads in the carrier, tracking number and reason.
    buyer = get_user_model().objects.create_user(username="lan", email="lan@example.vn", password="x")
    shipped_product = certified_product(producer=producer, title="Trà xanh")
    order = placed_order([(product, 1), (shipped_product, 1)], user=buyer)
    shipped, cancelled = order.lines.order_by("pk")[1], order.lines.order_by("pk")[0]
    for status in ("confirmed", "packed"):
        advance_line(shipped, status, user=staff_a)
    advance_line(shipped, "shipped", user=staff_a, carrier=payload[:100], tracking_number=payload[:100])
    cancel_line(cancelled, user=staff_a, reason=payload)

    # A sheet with the payload in its text cells.
    sku = product.stockrecords.get().partner_sku
    sheet = f'sku,packaging,description,price,stock\n{sku},"{packaging}","{payload}",200000,5\n'.encode()
    client_a.post(
        reverse("dashboard:producer-import-create"),
        {"file": SimpleUploadedFile("sheet.csv", sheet, content_type="text/csv")},
    )

    client = Client()
    client.force_login(buyer)
    pages = {
        "public product page": client.get(product.get_absolute_url()),
        "public producer page": client.get(producer.get_absolute_url()),
        "buyer's order page": client.get(reverse("customer:order", kwargs={"order_number": order.number})),
    }
    client = Client()
    client.force_login(superuser)
    pages["review queue"] = client.get(reverse("dashboard:review-list"))
    pages["review page"] = client.get(reverse("dashboard:review-detail", kwargs={"pk": pending.pk}))
    from shop.imports.models import ProductImport

    sheet_import = ProductImport.objects.get(producer=producer)
    for name, url in {
        "dashboard product list": reverse("dashboard:producer-product-list"),
        "dashboard product page": reverse("dashboard:producer-product-update", kwargs={"pk": product.pk}),
        "dashboard producer page": reverse("dashboard:producer-profile"),
        "dashboard stock list": reverse("dashboard:producer-stock-list"),
        "dashboard order list": reverse("dashboard:producer-order-list"),
        "dashboard order page": reverse("dashboard:producer-order-detail", kwargs={"number": order.number}),
        "dashboard import preview": reverse("dashboard:producer-import-detail", kwargs={"pk": sheet_import.pk}),
        "dashboard home": reverse("dashboard:index"),
    }.items():
        pages[name] = client_a.get(url)

    shown_somewhere = False
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        shown_somewhere = shown_somewhere or MARKER in html
        assert not dangers_in(html), (name, dangers_in(html))
    assert shown_somewhere, "the payloads should reach the pages, as inert text"


def test_the_finder_catches_what_it_should():
    """The checker itself: live payloads are reported, escaped ones are not."""
    assert dangers_in(PAYLOADS[0])
    assert dangers_in(PAYLOADS[1])
    assert dangers_in(PAYLOADS[4])
    assert dangers_in(PAYLOADS[6])
    assert dangers_in(PAYLOADS[11])
    from django.utils.html import escape

    assert not any(dangers_in(escape(payload)) for payload in PAYLOADS)
