"""Issuing a stamp batch from the dashboard: the form, its errors in Vietnamese, the whole chain."""

import io
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse

from catalog.models import OcopCertificate, Product, today
from shop.stamps.models import SerialCounter, Stamp, StampBatch
from tests.functional.dashboard.listings.helpers import certified_for, expire
from tests.functional.dashboard.stamps.helpers import vi
from tests.functional.storefront.helpers import visible_text

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("dashboard:stamp-batch-create")
TOO_MANY_OR_FEW = "A batch holds 1 to %(maximum)s stamps."
NOT_A_NUMBER = "Enter the number of stamps as a whole number, e.g. 10000 or 10.000."


def issue_data(product, **overrides):
    data = {
        "product": product.pk,
        "quantity": "500",
        "lot": "CAM-2026-03",
        "produced_on": (today() - timedelta(days=2)).isoformat(),
        "expires_on": (today() + timedelta(days=60)).isoformat(),
        "notes": "Vụ cam tháng 3",
    }
    data.update(overrides)
    return data


@pytest.fixture
def no_generation():
    """Issuing enqueues the generation after the commit; these tests look at the batch as issued."""
    with mock.patch("shop.stamps.tasks.generate_batch.delay") as delay:
        yield delay


def test_the_form_offers_the_provinces_issuable_products_only(ha_tinh_client, producer_a, oranges, nem_b):
    two_stars = certified_for(producer_a, stars=2, name="Chè xanh Hương Sơn")
    lapsed = certified_for(producer_a, name="Nhung hươu Hương Sơn")
    expire(lapsed)
    response = ha_tinh_client.get(CREATE_URL)
    assert response.status_code == 200
    offered = list(response.context["form"].fields["product"].queryset)
    assert offered == [oranges]
    assert two_stars not in offered and lapsed not in offered and nem_b not in offered
    # Each choice names the product, its producer and its stars.
    assert "Cam bù Vũ Quang — HTX Mật ong Hương Sơn — 4★" in response.content.decode()


def test_issuing_a_batch_takes_serials_and_goes_to_its_page(
    ha_tinh_client, ha_tinh_reviewer, oranges, django_capture_on_commit_callbacks, no_generation
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ha_tinh_client.post(CREATE_URL, issue_data(oranges, quantity="10.000"))
    batch = StampBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:stamp-batch-detail", kwargs={"pk": batch.pk})
    assert (batch.product, batch.producer, batch.certificate) == (oranges, oranges.producer, oranges.certificate)
    assert batch.quantity == 10_000
    assert (batch.lot, batch.notes, batch.issued_by) == ("CAM-2026-03", "Vụ cam tháng 3", ha_tinh_reviewer)
    assert batch.expires_on == today() + timedelta(days=60)
    assert batch.first_serial == f"HT-{today().year}-00000001"
    assert SerialCounter.objects.get(province_code=42, year=today().year).last_number == 10_000
    no_generation.assert_called_once_with(batch.pk)

    page = ha_tinh_client.get(response["Location"])
    assert f"HT-{today().year}-00000001" in visible_text(page)
    assert vi("Generating stamps") in visible_text(page)


@pytest.mark.parametrize("typed", ["10,000", "10 000", "10000", " 10.000 "])
def test_the_quantity_may_be_typed_with_thousands_separators(ha_tinh_client, oranges, typed, no_generation):
    response = ha_tinh_client.post(CREATE_URL, issue_data(oranges, quantity=typed))
    assert response.status_code == 302
    assert StampBatch.objects.get().quantity == 10_000


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", TOO_MANY_OR_FEW),
        ("100001", TOO_MANY_OR_FEW),
        ("100.001", TOO_MANY_OR_FEW),
        ("mười nghìn", NOT_A_NUMBER),
        ("12.5", NOT_A_NUMBER),
        ("-5", NOT_A_NUMBER),
        ("", "This field is required."),
    ],
)
def test_a_bad_quantity_is_refused_in_vietnamese_and_nothing_is_lost(ha_tinh_client, oranges, typed, message):
    message = vi(message, maximum="100.000") if "%" in message else vi(message)
    data = issue_data(oranges, quantity=typed)
    response = ha_tinh_client.post(CREATE_URL, data)
    assert response.status_code == 200
    assert not StampBatch.objects.exists()
    form = response.context["form"]
    assert form.errors["quantity"] == [message]
    text = visible_text(response)
    assert message in text
    # Everything else typed is still there.
    html = response.content.decode()
    assert 'value="CAM-2026-03"' in html and "Vụ cam tháng 3" in html
    assert f'value="{data["produced_on"]}"' in html and f'value="{data["expires_on"]}"' in html
    assert f'<option value="{oranges.pk}" selected>' in html


def test_an_expiry_before_the_production_date_is_refused(ha_tinh_client, oranges):
    data = issue_data(oranges, produced_on=today().isoformat(), expires_on=(today() - timedelta(days=1)).isoformat())
    response = ha_tinh_client.post(CREATE_URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors["expires_on"] == [
        vi("The expiry date cannot come before the production date.")
    ]
    assert not StampBatch.objects.exists()


def test_the_expiry_date_may_be_left_empty(ha_tinh_client, oranges, no_generation):
    response = ha_tinh_client.post(CREATE_URL, issue_data(oranges, expires_on=""))
    assert response.status_code == 302
    assert StampBatch.objects.get().expires_on is None


def test_a_dd_mm_yyyy_date_is_understood(ha_tinh_client, oranges, no_generation):
    day = today() - timedelta(days=3)
    response = ha_tinh_client.post(CREATE_URL, issue_data(oranges, produced_on=day.strftime("%d/%m/%Y")))
    assert response.status_code == 302
    assert StampBatch.objects.get().produced_on == day


def test_a_forged_product_of_another_province_is_refused(thanh_hoa_client, oranges, nem_b):
    """Thanh Hóa's officer cannot issue for a Hà Tĩnh product by posting its id."""
    response = thanh_hoa_client.post(CREATE_URL, issue_data(oranges))
    assert response.status_code == 200
    assert "product" in response.context["form"].errors
    assert response.context["form"].errors["product"] == [
        vi(
            "Choose one of the listed products: stamps are issued for products of your province "
            "with a valid OCOP certificate of 3 stars or more."
        )
    ]
    assert not StampBatch.objects.exists()
    assert not SerialCounter.objects.exists()


def test_a_product_whose_certificate_lapsed_is_refused(ha_tinh_client, oranges):
    expire(oranges)
    response = ha_tinh_client.post(CREATE_URL, issue_data(oranges))
    assert response.status_code == 200
    assert "product" in response.context["form"].errors
    assert not StampBatch.objects.exists()


def test_a_certificate_withdrawn_while_the_form_was_open_is_refused_by_issuing(ha_tinh_client, oranges):
    """The product was offered, but its certificate is withdrawn by the time the officer sends the form."""
    assert oranges in ha_tinh_client.get(CREATE_URL).context["form"].fields["product"].queryset
    as_offered = Product.objects.filter(pk=oranges.pk).select_related("producer", "certificate")
    with mock.patch("shop.dashboard.stamps.views.issuable_products", return_value=as_offered):
        OcopCertificate.objects.filter(pk=oranges.certificate_id).update(status=OcopCertificate.Status.WITHDRAWN)
        response = ha_tinh_client.post(CREATE_URL, issue_data(oranges))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        vi("Stamps are issued only for products with a valid OCOP certificate of %(stars)s stars or more.", stars=3)
    ]
    assert not StampBatch.objects.exists()


def test_a_superuser_may_issue_in_any_province(admin_client, oranges, nem_b, no_generation):
    offered = set(admin_client.get(CREATE_URL).context["form"].fields["product"].queryset)
    assert offered == {oranges, nem_b}
    assert admin_client.post(CREATE_URL, issue_data(nem_b)).status_code == 302
    assert StampBatch.objects.get().first_serial.startswith("TH-")


def test_producer_staff_sales_points_and_other_officers_cannot_issue(
    client, staff_a, sales_point_operator, trade_officer, oranges
):
    for user in (staff_a, sales_point_operator, trade_officer):
        client.force_login(user)
        assert client.get(CREATE_URL).status_code == 403, user
        assert client.post(CREATE_URL, issue_data(oranges)).status_code == 403, user
    assert not StampBatch.objects.exists()


def test_the_whole_chain_generates_the_stamps_and_the_print_files(
    ha_tinh_client, oranges, django_capture_on_commit_callbacks
):
    """Celery runs eagerly in the tests: issuing → generate_batch → render_print_files → ready."""
    with django_capture_on_commit_callbacks(execute=True):
        response = ha_tinh_client.post(CREATE_URL, issue_data(oranges, quantity="12"))
    batch = StampBatch.objects.get()
    assert batch.status == StampBatch.Status.READY
    assert batch.generated_count == 12
    assert Stamp.objects.filter(batch=batch).count() == 12

    page = ha_tinh_client.get(response["Location"])
    html = page.content.decode()
    assert 'id="batch_progress"' not in html
    assert reverse("dashboard:stamp-batch-download", kwargs={"pk": batch.pk, "kind": "pdf"}) in html

    pdf = ha_tinh_client.get(reverse("dashboard:stamp-batch-download", kwargs={"pk": batch.pk, "kind": "pdf"}))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    archive = ha_tinh_client.get(reverse("dashboard:stamp-batch-download", kwargs={"pk": batch.pk, "kind": "zip"}))
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as opened:
        names = opened.namelist()
    assert any(name.endswith(".png") for name in names)
    assert any(batch.first_serial in name for name in names)
