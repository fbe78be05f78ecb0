"""Producer A's staff reach none of producer B's objects, through any dashboard URL.

The URLs are enumerated from the dashboard's URL configuration, so a new dashboard
URL that takes an object id fails ``test_every_object_url_has_a_case`` until it is
given a case here.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse
from oscar.apps.dashboard.nav import _dashboard_url_names_to_config

from catalog.listings import propose_listing_changes
from catalog.models import ProductImage
from shop.imports.models import ProductImport
from shop.order.models import FulfilmentChannel, FulfilmentGroup
from shop.payments.models import PaymentMethod, PaymentState
from shop.payments.services import new_payment
from shop.stamps.models import CounterfeitReport
from tests.factories import THANH_HOA, BoothFactory, SalesPointFactory, certified_product, placed_order, stamp_batch
from tests.functional.dashboard.stamps.helpers import use_private_folder, with_print_files

pytestmark = pytest.mark.django_db


def jpeg_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


# Our dashboard sub-apps: producers and sales points work there, each object looked up through their partner.
OUR_APPS = {
    "dashboard",
    "listings_dashboard",
    "stock_dashboard",
    "review_dashboard",
    "imports_dashboard",
    "fulfilment_dashboard",
    "producer_reports_dashboard",
    "stamps_dashboard",
    "delivery_dashboard",
    "pickups_dashboard",
    "transfers_dashboard",
}
# Keyword arguments that name no object: the page is scoped by the signed-in user's producer.
SCOPE_ARGUMENTS = {"fmt", "year", "month"}


def dashboard_urls():
    """(url name, app label, keyword argument names) of every dashboard URL."""
    configs = _dashboard_url_names_to_config()
    _prefix, resolver = get_resolver().namespace_dict["dashboard"]

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
                continue
            converters = getattr(pattern.pattern, "converters", None)
            arguments = list(converters) if converters else list(pattern.pattern.regex.groupindex)
            config = configs.get(pattern.name)
            yield pattern.name, config.label if config else "dashboard", arguments

    return sorted(walk(resolver.url_patterns))


def object_urls():
    return [
        (name, arguments)
        for name, label, arguments in dashboard_urls()
        if label in OUR_APPS and set(arguments) - SCOPE_ARGUMENTS
    ]


def oscar_urls():
    return [(name, arguments) for name, label, arguments in dashboard_urls() if label not in OUR_APPS]


@pytest.fixture
def world(producer_a, producer_b, staff_b, monkeypatch, tmp_path):
    """B's objects of every kind, and a mixed order with lines of both producers."""
    product_a = certified_product(producer=producer_a, title="Mật ong rừng Hương Sơn")
    product_b = certified_product(producer=producer_b, title="Nem chua Thanh Hóa")
    image_b = ProductImage.objects.create(
        product=product_b, original=ContentFile(jpeg_bytes(), name="nem-chua.jpg"), display_order=0
    )
    revision_b = propose_listing_changes(product_b, description="<p>Nem chua gói lá chuối</p>", user=staff_b)
    import_b = ProductImport.objects.create(
        producer=producer_b,
        uploaded_by=staff_b,
        file=ContentFile(b"sku,price\n", name="b.csv"),
        original_name="b.csv",
        format=ProductImport.Format.CSV,
    )
    order_b = placed_order([(product_b, 1)])
    mixed_order = placed_order([(product_a, 1), (product_b, 2)])
    line_b = mixed_order.lines.get(partner=producer_b)
    fair_order_b = placed_order([(product_b, 1)])
    booth_b = BoothFactory(producer=producer_b)
    fair_pickup_b = FulfilmentGroup.objects.create(
        order=fair_order_b,
        producer=producer_b,
        method=FulfilmentChannel.FAIR_PICKUP,
        booth=booth_b,
        pickup_on=booth_b.fair.starts_on,
    )
    fair_order_b.lines.update(fulfilment_group=fair_pickup_b)
    point = SalesPointFactory()
    point_order_b = placed_order([(product_b, 1)])
    point_pickup_b = FulfilmentGroup.objects.create(
        order=point_order_b, producer=producer_b, method=FulfilmentChannel.SALES_POINT_PICKUP, sales_point=point
    )
    point_order_b.lines.update(fulfilment_group=point_pickup_b)
    transfer_b = new_payment(order_b, PaymentMethod.VIETQR)
    use_private_folder(monkeypatch, tmp_path / "private")
    stamps_b = with_print_files(stamp_batch(product_b, quantity=3))
    report_b = CounterfeitReport.objects.create(
        province_code=THANH_HOA,
        stamp=stamps_b.stamps.first(),
        place="Chợ Vườn Hoa, Thanh Hóa",
        description="Tem giống hệt nhưng hàng khác",
        photo=ContentFile(jpeg_bytes(), name="tem.jpg"),
    )
    return {
        "product_a": product_a,
        "product_b": product_b,
        "image_b": image_b,
        "revision_b": revision_b,
        "import_b": import_b,
        "order_b": order_b,
        "mixed_order": mixed_order,
        "line_b": line_b,
        "stamps_b": stamps_b,
        "report_b": report_b,
        "fair_pickup_b": fair_pickup_b,
        "point_pickup_b": point_pickup_b,
        "transfer_b": transfer_b,
    }


# Each of our URLs that takes an object id, pointed at B's object of that kind.
CASES = {
    "producer-product-update": lambda w: {"pk": w["product_b"].pk},
    "producer-stockrecord-update": lambda w: {"pk": w["product_b"].stockrecords.get().pk},
    "producer-import-detail": lambda w: {"pk": w["import_b"].pk},
    "producer-order-detail": lambda w: {"number": w["order_b"].number},
    "producer-line-update": lambda w: {"pk": w["line_b"].pk},
    "review-detail": lambda w: {"pk": w["revision_b"].pk},
    "stamp-batch-detail": lambda w: {"pk": w["stamps_b"].pk},
    "stamp-batch-progress": lambda w: {"pk": w["stamps_b"].pk},
    "stamp-batch-download": lambda w: {"pk": w["stamps_b"].pk, "kind": "pdf"},
    "counterfeit-report-detail": lambda w: {"pk": w["report_b"].pk},
    "counterfeit-report-photo": lambda w: {"pk": w["report_b"].pk},
    "producer-pickup-update": lambda w: {"pk": w["fair_pickup_b"].pk},
    "pickup-action": lambda w: {"pk": w["point_pickup_b"].pk},
    "transfer-received": lambda w: {"pk": w["transfer_b"].pk},
}
# Sales points' pages: a producer's staff are refused outright.
SALES_POINT_ONLY = {"pickup-action"}
# Officers' pages: producer staff are refused outright; officers of another province get 404 (see below).
OFFICER_ONLY = {"review-detail", "counterfeit-report-detail", "counterfeit-report-photo"}
# Pages that both a producer's staff (their own objects) and the province's officers open: an officer of
# another province gets 404 there too.
OFFICER_SCOPED = OFFICER_ONLY | {"stamp-batch-detail", "stamp-batch-progress", "stamp-batch-download"}
# What an officer would send to act on B's object if the page let them.
OFFICER_POSTS = {
    "review-detail": {"action": "approve"},
    "stamp-batch-detail": {"action": "revoke_batch", "batch-reason": "lost", "batch-confirm": "on"},
    "counterfeit-report-detail": {"status": "closed", "officer_note": "Đã xử lý"},
}


def test_every_object_url_has_a_case():
    missing = sorted(name for name, _arguments in object_urls() if name not in CASES)
    assert not missing, f"Dashboard URLs taking an object id without an isolation case: {missing}"
    assert set(CASES) <= {name for name, _arguments in object_urls()}, "a case names a URL that no longer exists"


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_producers_staff_get_404_for_the_other_producers_objects(client_a, world, name, method):
    url = reverse(f"dashboard:{name}", kwargs=CASES[name](world))
    response = getattr(client_a, method)(url, {"action": "approve", "status": "confirmed", "price": "1000"})
    expected = 403 if name in OFFICER_ONLY | SALES_POINT_ONLY else 404
    assert response.status_code == expected, (name, method, response.status_code)


def test_nothing_of_b_changed(client_a, world):
    for name in CASES:
        client_a.post(
            reverse(f"dashboard:{name}", kwargs=CASES[name](world)),
            {"action": "cancel", "reason": "x", "price": "1000", "num_in_stock": "0", "description": "<p>A</p>"},
        )
    world["line_b"].refresh_from_db()
    assert world["line_b"].status == "new"
    record = world["product_b"].stockrecords.get()
    assert (record.price, record.num_in_stock) != (1000, 0)
    world["revision_b"].refresh_from_db()
    assert world["revision_b"].status == "pending"
    world["import_b"].refresh_from_db()
    assert world["import_b"].status == ProductImport.Status.PREVIEWED
    assert not world["stamps_b"].revocations.exists()
    world["report_b"].refresh_from_db()
    assert world["report_b"].status == CounterfeitReport.Status.NEW
    for group in (world["fair_pickup_b"], world["point_pickup_b"]):
        assert set(group.lines.values_list("status", flat=True)) == {"new"}
    world["transfer_b"].refresh_from_db()
    assert world["transfer_b"].state == PaymentState.AWAITING


@pytest.mark.parametrize("name", sorted(OFFICER_SCOPED))
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_officer_of_another_province_gets_404(client, ha_tinh_reviewer, world, name, method):
    """B is in Thanh Hóa: a Hà Tĩnh coordination officer does not review its listings, nor follow,
    revoke or download its stamps, nor handle the reports made there."""
    client.force_login(ha_tinh_reviewer)
    url = reverse(f"dashboard:{name}", kwargs=CASES[name](world))
    response = getattr(client, method)(url, OFFICER_POSTS.get(name, {}) if method == "post" else {})
    assert response.status_code == 404
    world["revision_b"].refresh_from_db()
    assert world["revision_b"].status == "pending"
    assert not world["stamps_b"].revocations.exists()
    world["report_b"].refresh_from_db()
    assert world["report_b"].status == CounterfeitReport.Status.NEW


def _oscar_kwargs(arguments, world):
    values = {
        "pk": world["product_b"].pk,
        "number": world["order_b"].number,
        "product_class_slug": "nong-san",
        "slug": "order-placed",
    }
    return {argument: values.get(argument, 1) for argument in arguments}


@pytest.mark.parametrize("method", ["get", "post"])
def test_oscars_own_dashboard_pages_refuse_producer_staff(client_a, world, method):
    """Oscar's pages would show every producer's products and orders to any partner user."""
    let_through = []
    for name, arguments in oscar_urls():
        url = reverse(f"dashboard:{name}", kwargs=_oscar_kwargs(arguments, world))
        status = getattr(client_a, method)(url).status_code
        if status not in (403, 405) and not (name in {"login", "logout"} and status in (200, 302)):
            let_through.append((name, status))
    assert not let_through


def test_list_pages_and_downloads_show_none_of_bs_objects(client_a, world):
    from catalog.models import today

    month = today()
    pages = [
        reverse("dashboard:index"),
        reverse("dashboard:producer-product-list"),
        reverse("dashboard:producer-stock-list"),
        reverse("dashboard:producer-import-list"),
        reverse("dashboard:producer-order-list"),
        reverse("dashboard:producer-order-detail", kwargs={"number": world["mixed_order"].number}),
        reverse("dashboard:producer-report"),
        reverse("dashboard:stamp-batch-list"),
        reverse("dashboard:producer-shipping-rate"),
        reverse("dashboard:producer-import-template", kwargs={"fmt": "csv"}),
        reverse("dashboard:producer-report-download", kwargs={"year": month.year, "month": month.month, "fmt": "csv"}),
    ]
    b_sku = world["product_b"].stockrecords.get().partner_sku
    for url in pages:
        response = client_a.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert "Nem chua" not in body and b_sku not in body, url
    # B's awaited transfer is not among A's transfers to check.
    transfers = client_a.get(reverse("dashboard:transfer-list"))
    assert world["transfer_b"] not in transfers.context["payments"]
    assert world["transfer_b"].transfer_note not in transfers.content.decode()
    # The mixed order shows A's line, never B's.
    detail = client_a.get(pages[5]).content.decode()
    assert "Mật ong rừng Hương Sơn" in detail


def test_the_matrix_covers_this_many_urls():
    """Reported when the issue is resolved: every dashboard URL taking an object id is in the matrix."""
    ours = object_urls()
    oscars = [name for name, arguments in oscar_urls() if arguments]
    print(f"isolation matrix: {len(ours)} of our object URLs, {len(oscars)} of Oscar's object URLs refused outright")
    assert len(ours) == len(CASES)
