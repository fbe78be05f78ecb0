"""The producer's public page as they edit it: story, contact, address and photo, live at once."""

import pytest
from django.urls import reverse

from shop.partner.models import Partner
from tests.factories import HA_TINH, HA_TINH_WARD
from tests.functional.dashboard.listings.helpers import DANGER, XSS_TEXT, png_bytes, upload
from tests.functional.storefront.helpers import visible_text

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("dashboard:producer-profile")


def profile_data(**overrides):
    data = {
        "story": "<h3>Về chúng tôi</h3><p>Hợp tác xã trồng cam trên đồi <strong>Vũ Quang</strong>.</p>",
        "phone": "0239 3855 999",
        "email": "lienhe@htx.example.vn",
        "street_address": "Thôn 3",
    }
    data.update(overrides)
    return data


def test_the_page_shows_the_producers_own_details_and_a_link_to_the_public_page(client_a, producer_a, producer_b):
    response = client_a.get(PROFILE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert producer_a.name in html and producer_b.name not in html
    assert producer_a.get_absolute_url() in html
    assert 'class="wysiwyg' in html
    assert set(response.context["form"].fields) == {"story", "phone", "email", "street_address", "photo"}


def test_changes_go_live_at_once(client_a, client, producer_a):
    response = client_a.post(PROFILE_URL, {**profile_data(), "photo": upload()})
    assert response.status_code == 302
    producer_a.refresh_from_db()
    assert producer_a.story == profile_data()["story"]
    assert (producer_a.phone, producer_a.email, producer_a.street_address) == (
        "0239 3855 999",
        "lienhe@htx.example.vn",
        "Thôn 3",
    )
    assert producer_a.photo.name.startswith("partners/") and producer_a.photo.name.endswith(".png")

    public = client.get(producer_a.get_absolute_url())
    assert "<h3>Về chúng tôi</h3>" in public.content.decode()
    assert "0239 3855 999" in visible_text(public)


def test_posted_extra_fields_change_nothing(client_a, producer_a, producer_b):
    before = Partner.objects.filter(pk=producer_a.pk).values().get()
    client_a.post(
        PROFILE_URL,
        {
            **profile_data(),
            "name": "Tên mới",
            "code": "ma-moi",
            "kind": "sales_point",
            "producer_kind": "enterprise",
            "tax_code": "0000000000",
            "province_code": "38",
            "ward_code": "14797",
            "users": [1],
            "pk": producer_b.pk,
            "id": producer_b.pk,
        },
    )
    after = Partner.objects.filter(pk=producer_a.pk).values().get()
    for field in ("name", "code", "kind", "producer_kind", "tax_code", "province_code", "ward_code"):
        assert after[field] == before[field], field
    assert (after["province_code"], after["ward_code"]) == (HA_TINH, HA_TINH_WARD)
    producer_b.refresh_from_db()
    assert producer_b.story == "" and producer_b.phone != "0239 3855 999"


def test_a_bad_photo_is_refused_and_the_texts_are_kept(client_a, producer_a):
    response = client_a.post(
        PROFILE_URL,
        {**profile_data(street_address="Thôn 9"), "photo": upload("anh.png", png_bytes()[:50])},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["photo"]
    html = response.content.decode()
    assert 'value="Thôn 9"' in html and 'value="0239 3855 999"' in html and "Về chúng tôi" in html
    producer_a.refresh_from_db()
    assert producer_a.street_address == "Thôn 1"


def test_a_wrong_phone_number_is_refused(client_a, producer_a):
    response = client_a.post(PROFILE_URL, profile_data(phone="gọi tôi"))
    assert response.context["form"].errors["phone"]


def test_story_payloads_are_neutralised_on_the_public_page_and_in_the_dashboard(client_a, client, producer_a):
    client_a.post(PROFILE_URL, profile_data(story=XSS_TEXT))
    producer_a.refresh_from_db()
    assert not DANGER.search(producer_a.story)  # cleaned before storage
    Partner.objects.filter(pk=producer_a.pk).update(story=XSS_TEXT)  # and cleaned again on the way out

    public = client.get(producer_a.get_absolute_url()).content.decode()
    dashboard = client_a.get(PROFILE_URL).content.decode()
    assert "Giới thiệu" in public
    for html in (public, dashboard):
        body = html.split("<body", 1)[1]
        outside_textareas = body.split("<textarea", 1)[0] + body.split("</textarea>", 1)[-1]
        assert not DANGER.search(outside_textareas), DANGER.search(outside_textareas)
    head = public.split("<body", 1)[0]
    assert "<script>alert" not in head and "onerror=" not in head


def test_the_photo_can_be_cleared(client_a, producer_a):
    client_a.post(PROFILE_URL, {**profile_data(), "photo": upload()})
    client_a.post(PROFILE_URL, {**profile_data(), "photo-clear": "on"})
    producer_a.refresh_from_db()
    assert not producer_a.photo
