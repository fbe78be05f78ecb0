"""The coordination office's listing review: the queue of its province, approving and sending back."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.listings import approve_revision, propose_listing_changes
from catalog.models import ListingRevision, Product
from shop.accounts.roles import Role
from tests.factories import government_officer
from tests.functional.dashboard.listings.helpers import DANGER, XSS_TEXT, certified_for, new_listing
from tests.functional.storefront.helpers import visible_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("dashboard:review-list")


def detail_url(revision):
    return reverse("dashboard:review-detail", kwargs={"pk": revision.pk})


@pytest.fixture
def new_a(oranges, staff_a):
    return new_listing(oranges, staff_a, packaging="Thùng 10 kg").revisions.get()


@pytest.fixture
def new_b(nem_b, staff_b):
    return new_listing(nem_b, staff_b, packaging="Chục 10 cái").revisions.get()


@pytest.fixture
def ha_tinh_client(client, ha_tinh_reviewer):
    client.force_login(ha_tinh_reviewer)
    return client


def test_an_officer_sees_the_queue_of_their_own_province(ha_tinh_client, new_a, new_b):
    response = ha_tinh_client.get(LIST_URL)
    assert response.status_code == 200
    assert list(response.context["revisions"]) == [new_a]
    text = visible_text(response)
    assert "Cam bù Vũ Quang – Thùng 10 kg" in text
    assert "Nem chua" not in text


def test_the_thanh_hoa_officer_sees_only_thanh_hoa(client, thanh_hoa_reviewer, new_a, new_b):
    client.force_login(thanh_hoa_reviewer)
    assert list(client.get(LIST_URL).context["revisions"]) == [new_b]
    assert client.get(detail_url(new_a)).status_code == 404


def test_a_superuser_sees_every_province(admin_client, new_a, new_b):
    assert set(admin_client.get(LIST_URL).context["revisions"]) == {new_a, new_b}


def test_pending_first_oldest_first_and_filter_by_status(ha_tinh_client, ha_tinh_reviewer, producer_a, staff_a):
    revisions = []
    for number, days_ago in enumerate([1, 5, 3, 8]):
        product = certified_for(producer_a, name=f"Sản phẩm {number}")
        revision = new_listing(product, staff_a).revisions.get()
        ListingRevision.objects.filter(pk=revision.pk).update(submitted_at=timezone.now() - timedelta(days=days_ago))
        revisions.append(revision)
    approve_revision(revisions[3], reviewer=ha_tinh_reviewer)  # the oldest, already decided

    listed = list(ha_tinh_client.get(LIST_URL).context["revisions"])
    assert listed == [revisions[1], revisions[2], revisions[0], revisions[3]]
    assert list(ha_tinh_client.get(LIST_URL, {"status": "approved"}).context["revisions"]) == [revisions[3]]
    assert len(ha_tinh_client.get(LIST_URL, {"status": "pending"}).context["revisions"]) == 3


def test_the_detail_shows_current_and_proposed(ha_tinh_client, oranges, staff_a, ha_tinh_reviewer):
    product = new_listing(oranges, staff_a, packaging="Thùng 5 kg", description="<p>Mô tả cũ</p>")
    approve_revision(product.revisions.get(), reviewer=ha_tinh_reviewer)
    image = product.images.get()
    revision = propose_listing_changes(
        product,
        packaging="Thùng 3 kg",
        description="<p>Mô tả <strong>mới</strong></p>",
        removed_images=[image],
        user=staff_a,
    )
    response = ha_tinh_client.get(detail_url(revision))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cam bù Vũ Quang – Thùng 5 kg" in html and "Cam bù Vũ Quang – Thùng 3 kg" in html
    assert "<p>Mô tả cũ</p>" in html and "<p>Mô tả <strong>mới</strong></p>" in html
    assert image.original.url in html


def test_approving_puts_the_listing_in_the_catalogue_and_tells_the_producer(
    ha_tinh_client, client, new_a, new_b, staff_a, producer_a, django_capture_on_commit_callbacks
):
    catalogue = client.get(reverse("catalogue:index")).content.decode()
    assert "Thùng 10 kg" not in catalogue and "Chục 10 cái" not in catalogue

    with django_capture_on_commit_callbacks(execute=True):
        response = ha_tinh_client.post(detail_url(new_a), {"decision": "approve"})

    assert response.status_code == 302 and response["Location"] == LIST_URL
    new_a.refresh_from_db()
    assert new_a.status == ListingRevision.Status.APPROVED
    product = Product.objects.get(pk=new_a.product_id)
    assert product.is_public
    catalogue = client.get(reverse("catalogue:index")).content.decode()
    assert "Cam bù Vũ Quang – Thùng 10 kg" in catalogue
    assert "Chục 10 cái" not in catalogue  # B's listing still waits
    assert client.get(product.get_absolute_url()).status_code == 200

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([producer_a.email, staff_a.email])
    assert "Cam bù Vũ Quang – Thùng 10 kg" in message.subject
    assert reverse("dashboard:producer-product-update", kwargs={"pk": product.pk}) in message.body


def test_the_email_waits_for_the_commit(ha_tinh_client, new_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ha_tinh_client.post(detail_url(new_a), {"decision": "approve"})
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_sending_back_needs_a_reason(ha_tinh_client, new_a, producer_a, staff_a, django_capture_on_commit_callbacks):
    response = ha_tinh_client.post(detail_url(new_a), {"decision": "send_back", "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    new_a.refresh_from_db()
    assert new_a.is_pending

    with django_capture_on_commit_callbacks(execute=True):
        response = ha_tinh_client.post(
            detail_url(new_a), {"decision": "send_back", "reason": "Ảnh chưa thấy tem OCOP trên bao bì."}
        )
    assert response.status_code == 302
    new_a.refresh_from_db()
    assert new_a.status == ListingRevision.Status.SENT_BACK
    assert new_a.reason == "Ảnh chưa thấy tem OCOP trên bao bì."
    assert not Product.objects.get(pk=new_a.product_id).is_public
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([producer_a.email, staff_a.email])
    assert "Ảnh chưa thấy tem OCOP trên bao bì." in mail.outbox[0].body


def test_a_decided_revision_is_not_decided_again(ha_tinh_client, new_a, ha_tinh_reviewer):
    approve_revision(new_a, reviewer=ha_tinh_reviewer)
    response = ha_tinh_client.post(detail_url(new_a), {"decision": "send_back", "reason": "Muộn"})
    assert response.status_code == 302
    new_a.refresh_from_db()
    assert new_a.status == ListingRevision.Status.APPROVED


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_provinces_revision_is_404(ha_tinh_client, new_b, method):
    response = getattr(ha_tinh_client, method)(detail_url(new_b), {"decision": "approve"})
    assert response.status_code == 404
    new_b.refresh_from_db()
    assert new_b.is_pending


def test_producer_staff_and_other_officers_cannot_review(client, staff_a, new_a):
    client.force_login(staff_a)
    assert client.get(LIST_URL).status_code in (302, 403)
    assert client.post(detail_url(new_a), {"decision": "approve"}).status_code in (302, 403)
    trade_officer = government_officer(Role.TRADE_OFFICER, 42, "congthuong@example.vn")
    client.force_login(trade_officer)
    assert client.get(LIST_URL).status_code == 403
    assert client.post(detail_url(new_a), {"decision": "approve"}).status_code == 403
    new_a.refresh_from_db()
    assert new_a.is_pending


def test_officers_land_on_the_queue(ha_tinh_client):
    response = ha_tinh_client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and response["Location"] == LIST_URL


def test_proposed_description_payloads_are_neutralised(ha_tinh_client, oranges, staff_a):
    revision = new_listing(oranges, staff_a, description=XSS_TEXT).revisions.get()
    ListingRevision.objects.filter(pk=revision.pk).update(description=XSS_TEXT)  # as if stored unclean
    html = ha_tinh_client.get(detail_url(revision)).content.decode().split("<body", 1)[1]
    assert "Giới thiệu" in html
    assert not DANGER.search(html), DANGER.search(html)


def test_the_queue_has_a_flat_query_count(ha_tinh_client, producer_a, staff_a):
    def add(count):
        for number in range(count):
            new_listing(certified_for(producer_a, name=f"SP {Product.objects.count()} {number}"), staff_a)

    add(2)
    with CaptureQueriesContext(connection) as few:
        ha_tinh_client.get(LIST_URL)
    add(8)
    with CaptureQueriesContext(connection) as many:
        ha_tinh_client.get(LIST_URL)
    assert len(many) == len(few)
