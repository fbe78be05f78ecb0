"""A producer's products in the dashboard: the list with each listing's state, creating and changing listings."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from catalog.certificates import rerate_certificate, withdraw_certificate
from catalog.listings import approve_revision, propose_listing_changes, send_back_revision
from catalog.models import ListingRevision, Product, today
from tests.factories import ProductFactory
from tests.functional.dashboard.listings.helpers import (
    DANGER,
    XSS_TEXT,
    certified_for,
    checked_photo,
    expire,
    expire_soon,
    new_listing,
    png_bytes,
    upload,
)
from tests.functional.storefront.helpers import visible_text

ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

LIST_URL = reverse("dashboard:producer-product-list")
CREATE_URL = reverse("dashboard:producer-product-create")


def update_url(product):
    return reverse("dashboard:producer-product-update", kwargs={"pk": product.pk})


@pytest.fixture
def live_listing(oranges, staff_a, ha_tinh_reviewer):
    product = new_listing(oranges, staff_a, packaging="Thùng 5 kg")
    approve_revision(product.revisions.get(), reviewer=ha_tinh_reviewer)
    product.refresh_from_db()
    return product


# --- the list -------------------------------------------------------------------


def test_the_list_shows_each_listings_state(client_a, producer_a, staff_a, oranges, ha_tinh_reviewer, nem_b):
    pending = new_listing(oranges, staff_a, packaging="Hộp quà 3 kg")
    sent_back = new_listing(oranges, staff_a, packaging="Túi 2 kg")
    send_back_revision(sent_back.revisions.get(), reviewer=ha_tinh_reviewer, reason="Ảnh nhãn OCOP bị mờ.")
    withdrawn = certified_for(producer_a, name="Mật ong hoa cam")
    withdraw_certificate(withdrawn.certificate, occurred_on=today() - timedelta(days=3), reference="QĐ 12")
    expired = certified_for(producer_a, name="Nước cam ép")
    expire(expired)
    reduced = certified_for(producer_a, name="Gà đồi Vũ Quang")
    rerate_certificate(reduced.certificate, score=40, occurred_on=today() - timedelta(days=5), reference="BB 3")
    expiring = certified_for(producer_a, name="Cam chanh Vũ Quang")
    expire_soon(expiring, days=20)

    response = client_a.get(LIST_URL)

    assert response.status_code == 200
    rows = {row["product"].pk: row for row in response.context["rows"]}
    assert rows[oranges.pk]["status"].state == "live"
    assert rows[pending.pk]["status"].state == "pending"
    assert rows[sent_back.pk]["status"].state == "sent_back"
    assert rows[sent_back.pk]["status"].reason == "Ảnh nhãn OCOP bị mờ."
    assert (rows[withdrawn.pk]["status"].state, rows[withdrawn.pk]["status"].problem) == ("not_for_sale", "withdrawn")
    assert rows[expired.pk]["status"].problem == "expired"
    assert rows[reduced.pk]["status"].problem == "reduced"
    assert rows[expiring.pk]["status"].state == "live"
    assert rows[expiring.pk]["status"].expires_on == today() + timedelta(days=20)
    assert nem_b.pk not in rows

    text = visible_text(response)
    assert "Cam bù Vũ Quang – Hộp quà 3 kg" in text
    assert "Ảnh nhãn OCOP bị mờ." in text
    assert "the OCOP certificate was withdrawn on" in text or "thu hồi" in text
    assert "Nem chua" not in text
    assert "250.000" in text  # the factory's price, in VND


def test_the_list_in_english_names_the_states(english, staff_a, oranges, ha_tinh_reviewer):
    english.force_login(staff_a)
    new_listing(oranges, staff_a, packaging="Hộp quà 3 kg")
    expired = certified_for(oranges.producer, name="Nước cam ép")
    expire(expired)
    text = visible_text(english.get(LIST_URL))
    assert "Pending review" in text and "Live" in text and "Not for sale" in text
    assert "the OCOP certificate expired" in text


def test_search_by_name(client_a, producer_a, oranges):
    certified_for(producer_a, name="Mật ong hoa cam")
    response = client_a.get(LIST_URL, {"q": "mật ong"})
    titles = [row["product"].title for row in response.context["rows"]]
    assert titles == ["Mật ong hoa cam"]


def test_the_list_is_paginated_with_a_flat_query_count(client_a, producer_a, staff_a):
    def measure():
        client_a.get(LIST_URL)  # thumbnails are made ahead in production: warm them here
        with CaptureQueriesContext(connection) as queries:
            response = client_a.get(LIST_URL)
        assert response.status_code == 200
        return len(queries)

    def add_products(count):
        for number in range(count):
            product = certified_for(producer_a, name=f"Sản phẩm {Product.objects.count()} {number}")
            ProductImage.objects.create(product=product, original=_stored_png(), display_order=0)
            new_listing(product, staff_a, packaging=f"Gói {number}")

    add_products(2)
    few = measure()
    add_products(9)
    many = measure()
    assert many == few
    response = client_a.get(LIST_URL)
    assert len(response.context["rows"]) == 20
    assert response.context["page_obj"].paginator.count == 22
    assert len(client_a.get(LIST_URL, {"page": 2}).context["rows"]) == 2


def _stored_png():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    return default_storage.save("images/products/test.png", ContentFile(png_bytes()))


def test_other_staff_and_anonymous_users_are_kept_out(client, db, producer_b):
    response = client.get(LIST_URL)
    assert response.status_code in (302, 403)
    from tests.factories import SalesPointPartnerFactory, partner_staff

    operator = partner_staff(SalesPointPartnerFactory())
    client.force_login(operator)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(CREATE_URL).status_code == 403


# --- a new listing ---------------------------------------------------------------


def create_data(certificate, **overrides):
    data = {
        "certificate": certificate.pk,
        "packaging": "Thùng 10 kg",
        "description": "<p>Cam bù <strong>chín cây</strong></p>",
        "price": "390.000",
        "num_in_stock": "25",
    }
    data.update(overrides)
    return data


def test_the_create_form_offers_only_own_certificates_for_sale(client_a, producer_a, oranges, nem_b):
    low = certified_for(producer_a, stars=2, name="Chè xanh")
    response = client_a.get(CREATE_URL)
    offered = set(response.context["form"].fields["certificate"].queryset)
    assert offered == {oranges.certificate}
    assert low.certificate not in offered and nem_b.certificate not in offered
    assert 'class="wysiwyg' in response.content.decode()


def test_creating_a_listing_sends_it_for_review(client_a, staff_a, oranges):
    response = client_a.post(
        CREATE_URL, {**create_data(oranges.certificate), "photo_1": upload(), "photo_3": upload("b.jpg")}
    )

    product = Product.objects.exclude(pk=oranges.pk).get(producer=oranges.producer)
    assert response.status_code == 302
    assert response["Location"] == update_url(product)
    assert product.title == "Cam bù Vũ Quang – Thùng 10 kg"
    assert product.is_public is False
    stock = StockRecord.objects.get(product=product)
    assert (stock.partner_id, stock.price, stock.num_in_stock) == (oranges.producer.pk, Decimal("390000"), 25)
    revision = product.revisions.get()
    assert revision.is_pending and revision.is_new_listing and revision.submitted_by == staff_a
    assert revision.photos.count() == 2
    assert revision.description == "<p>Cam bù <strong>chín cây</strong></p>"

    page = client_a.get(update_url(product))
    assert "Chờ duyệt" in visible_text(page) or "Pending review" in visible_text(page)
    catalogue = client_a.get(reverse("catalogue:index"))
    assert "Thùng 10 kg" not in catalogue.content.decode()


@pytest.mark.parametrize("which", ["other_producer", "two_stars", "expired"])
def test_a_certificate_that_is_not_offered_is_a_form_error(client_a, producer_a, nem_b, oranges, which):
    certificate = {
        "other_producer": lambda: nem_b.certificate,
        "two_stars": lambda: certified_for(producer_a, stars=2, name="Chè").certificate,
        "expired": lambda: _expired_certificate(producer_a),
    }[which]()
    before = Product.objects.count()
    response = client_a.post(CREATE_URL, create_data(certificate))
    assert response.status_code == 200
    assert response.context["form"].errors["certificate"]
    assert Product.objects.count() == before


def _expired_certificate(producer):
    product = certified_for(producer, name="Nước cam ép")
    expire(product)
    return product.certificate


def test_posted_extra_fields_change_nothing_on_create(client_a, producer_a, producer_b, oranges, nem_b):
    client_a.post(
        CREATE_URL,
        {
            **create_data(oranges.certificate),
            "producer": producer_b.pk,
            "partner": producer_b.pk,
            "is_public": "on",
            "title": "Tên tự đặt",
            "stars": "5",
            "slug": "tu-dat",
            "upc": "8930000000000",
            "is_staff": "on",
        },
    )
    product = Product.objects.get(revisions__isnull=False)
    assert product.producer == producer_a
    assert product.is_public is False
    assert product.title == "Cam bù Vũ Quang – Thùng 10 kg"
    assert product.certificate == oranges.certificate and product.certificate.stars == 4
    assert not product.upc
    assert StockRecord.objects.get(product=product).partner == producer_a


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "image/svg+xml"),
        ("setup.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "image/jpeg"),
        ("half.png", png_bytes()[:40], "image/png"),
    ],
)
def test_a_bad_photo_is_refused_on_its_field_and_nothing_else_is_lost(client_a, oranges, name, content, content_type):
    data = create_data(oranges.certificate, description="<p>Mô tả giữ nguyên</p>", packaging="Hũ 500 g")
    response = client_a.post(CREATE_URL, {**data, "photo_1": upload(), "photo_2": upload(name, content, content_type)})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["photo_2"]
    html = response.content.decode()
    assert 'value="Hũ 500 g"' in html
    assert "Mô tả giữ nguyên" in html
    assert 'value="390.000"' in html
    assert f'<option value="{oranges.certificate.pk}" selected>' in html
    assert not ListingRevision.objects.exists()


def test_a_price_that_is_not_whole_dong_is_a_form_error(client_a, oranges):
    response = client_a.post(CREATE_URL, create_data(oranges.certificate, price="1000.5"))
    assert response.context["form"].errors["price"]
    response = client_a.post(CREATE_URL, create_data(oranges.certificate, price="0"))
    assert response.context["form"].errors["price"]


# --- changing a listing ---------------------------------------------------------


def test_the_edit_page_shows_the_certificate_fields_read_only(client_a, live_listing):
    response = client_a.get(update_url(live_listing))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == {
        "packaging",
        "description",
        "weight_grams",
        "remove_images",
        "withdraw_photos",
        "photo_1",
        "photo_2",
        "photo_3",
        "photo_4",
    }
    html = response.content.decode()
    certificate = live_listing.certificate
    assert certificate.number in html and certificate.product_name in html
    stockrecord = StockRecord.objects.get(product=live_listing)
    assert reverse("dashboard:producer-stockrecord-update", kwargs={"pk": stockrecord.pk}) in html
    assert 'class="wysiwyg' in html


def test_a_change_waits_for_review(client_a, staff_a, live_listing):
    image = live_listing.images.get()
    response = client_a.post(
        update_url(live_listing),
        {
            "packaging": "Thùng 8 kg",
            "description": "<p>Mô tả mới</p>",
            "remove_images": [image.pk],
            "photo_2": upload(),
        },
    )
    assert response.status_code == 302
    revision = live_listing.revisions.get(status=ListingRevision.Status.PENDING)
    assert not revision.is_new_listing
    assert revision.proposed_title == "Cam bù Vũ Quang – Thùng 8 kg"
    assert list(revision.removed_images.all()) == [image]
    assert revision.photos.count() == 1
    live_listing.refresh_from_db()
    assert live_listing.title == "Cam bù Vũ Quang – Thùng 5 kg"
    assert live_listing.description == "<p>Cam ngon</p>"
    assert live_listing.images.count() == 1

    page = visible_text(client_a.get(update_url(live_listing)))
    assert "Cam bù Vũ Quang – Thùng 8 kg" in page


def test_submitting_the_same_listing_changes_nothing(client_a, live_listing):
    response = client_a.post(
        update_url(live_listing), {"packaging": live_listing.packaging, "description": live_listing.description}
    )
    assert response.status_code == 302
    assert not live_listing.revisions.filter(status=ListingRevision.Status.PENDING).exists()


def test_posted_extra_fields_change_nothing_on_edit(client_a, live_listing, producer_b, nem_b):
    certificate = live_listing.certificate
    client_a.post(
        update_url(live_listing),
        {
            "packaging": "Thùng 5 kg",
            "description": live_listing.description,
            "title": "Tên khác",
            "is_public": "",
            "certificate": nem_b.certificate.pk,
            "producer": producer_b.pk,
            "stars": "5",
            "price": "1",
        },
    )
    live_listing.refresh_from_db()
    assert live_listing.title == "Cam bù Vũ Quang – Thùng 5 kg"
    assert live_listing.is_public is True
    assert live_listing.certificate == certificate and certificate.stars == 4
    assert live_listing.producer != producer_b
    assert StockRecord.objects.get(product=live_listing).price == Decimal("390000")
    assert not live_listing.revisions.filter(status=ListingRevision.Status.PENDING).exists()


def test_another_products_image_cannot_be_removed_through_the_form(client_a, live_listing, producer_b, nem_b):
    foreign = ProductImage.objects.create(product=nem_b, original=_stored_png())
    response = client_a.post(
        update_url(live_listing), {"packaging": "Thùng 5 kg", "description": "x", "remove_images": [foreign.pk]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["remove_images"]
    assert ProductImage.objects.filter(pk=foreign.pk).exists()


def test_the_sent_back_reason_is_shown_until_the_next_proposal(client_a, staff_a, live_listing, ha_tinh_reviewer):
    revision = propose_listing_changes(live_listing, packaging="Thùng 1 kg", user=staff_a)
    send_back_revision(revision, reviewer=ha_tinh_reviewer, reason="Thùng 1 kg chưa có trong hồ sơ OCOP.")
    text = visible_text(client_a.get(update_url(live_listing)))
    assert "Thùng 1 kg chưa có trong hồ sơ OCOP." in text

    approve_revision(
        propose_listing_changes(live_listing, packaging="Thùng 2 kg", user=staff_a), reviewer=ha_tinh_reviewer
    )
    assert "Thùng 1 kg chưa có trong hồ sơ OCOP." not in visible_text(client_a.get(update_url(live_listing)))


def test_a_bad_photo_on_edit_keeps_the_texts(client_a, live_listing):
    response = client_a.post(
        update_url(live_listing),
        {"packaging": "Hũ 1 kg", "description": "<p>Giữ nguyên</p>", "photo_1": upload("x.png", b"not a picture")},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["photo_1"]
    html = response.content.decode()
    assert 'value="Hũ 1 kg"' in html and "Giữ nguyên" in html
    assert not live_listing.revisions.filter(status=ListingRevision.Status.PENDING).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_producers_product_is_404(client_a, staff_b, nem_b, method):
    product_b = new_listing(nem_b, staff_b)
    for product in (nem_b, product_b):
        url = update_url(product)
        response = getattr(client_a, method)(url, {"packaging": "Hack", "description": "<p>x</p>"})
        assert response.status_code == 404
    assert not nem_b.revisions.exists()
    assert product_b.revisions.get().packaging == "Thùng 10 kg"


def test_a_product_without_producer_is_404(client_a):
    orphan = ProductFactory(producer=None, stock=False)
    assert client_a.get(update_url(orphan)).status_code == 404


# --- rich text on the way out ---------------------------------------------------


def test_description_payloads_are_neutralised_everywhere(client, client_a, staff_a, oranges, ha_tinh_reviewer):
    product = new_listing(oranges, staff_a, description=XSS_TEXT)
    edit_page = client_a.get(update_url(product)).content.decode()
    approve_revision(product.revisions.get(), reviewer=ha_tinh_reviewer)
    # Stored before the sanitizer existed: the filter still cleans it on the way out.
    Product.objects.filter(pk=product.pk).update(description=XSS_TEXT)

    public = client.get(product.get_absolute_url())
    assert public.status_code == 200
    public_html = public.content.decode()
    assert "Giới thiệu" in public_html
    dashboard = client_a.get(update_url(product)).content.decode()
    for html in (public_html, dashboard, edit_page):
        body = html.split("<body", 1)[1]
        assert not DANGER.search(_outside_textareas(body)), DANGER.search(_outside_textareas(body))


def _outside_textareas(html):
    """A textarea's content is text, escaped by Django: the editor shows it, the browser never runs it."""
    return re.sub(r"<textarea.*?</textarea>", "", html, flags=re.DOTALL)


def test_textarea_content_is_escaped(client_a, staff_a, oranges):
    product = new_listing(oranges, staff_a, description="<p>ok</p>")
    ListingRevision.objects.filter(product=product).update(description="</textarea><script>alert('xss')</script>")
    html = client_a.get(update_url(product)).content.decode()
    assert "</textarea><script>" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in html


def test_new_listing_photos_stay_with_a_resubmission(client_a, staff_a, oranges, ha_tinh_reviewer):
    product = new_listing(oranges, staff_a, photos=[checked_photo(), checked_photo("green")])
    send_back_revision(product.revisions.get(), reviewer=ha_tinh_reviewer, reason="Thiếu mô tả")
    response = client_a.get(update_url(product))
    assert len(list(response.context["form"].fields["withdraw_photos"].queryset)) == 2
    client_a.post(update_url(product), {"packaging": "Thùng 10 kg", "description": "<p>Đã bổ sung mô tả</p>"})
    revision = product.revisions.get(status=ListingRevision.Status.PENDING)
    assert revision.is_new_listing and revision.photos.count() == 2
