"""Officers work in the Django admin for their own province only."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from catalog.models import CertificateEvent, OcopCertificate
from shop.accounts.models import StaffProfile
from shop.accounts.roles import Role
from tests.factories import (
    HA_TINH,
    THANH_HOA,
    THANH_HOA_WARD,
    FairFactory,
    ProducerFactory,
    ProductFactory,
    SalesPointFactory,
    SalesPointPartnerFactory,
    certified_product,
)

pytestmark = pytest.mark.django_db


def officer(role, province, email):
    user = get_user_model().objects.create_user(username=email, email=email, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    StaffProfile.objects.create(user=user, province_code=province, organisation="Sở")
    return user


@pytest.fixture
def ha_tinh_trade_officer(client):
    user = officer(Role.TRADE_OFFICER, HA_TINH, "congthuong@example.vn")
    client.force_login(user)
    return user


@pytest.fixture
def ha_tinh_coordination_officer(client):
    user = officer(Role.COORDINATION_OFFICER, HA_TINH, "vpdp@example.vn")
    client.force_login(user)
    return user


def thanh_hoa_sales_point():
    return SalesPointFactory(
        partner=SalesPointPartnerFactory(name="Điểm bán Sầm Sơn", province_code=THANH_HOA, ward_code=THANH_HOA_WARD)
    )


def test_trade_officer_lists_and_opens_only_own_province_sales_points(client, ha_tinh_trade_officer):
    own = SalesPointFactory(partner=SalesPointPartnerFactory(name="Điểm bán Thành Sen"))
    other = thanh_hoa_sales_point()

    listing = client.get(reverse("admin:outlets_salespoint_changelist"))
    assert listing.status_code == 200
    assert "Điểm bán Thành Sen" in listing.content.decode()
    assert "Điểm bán Sầm Sơn" not in listing.content.decode()

    assert client.get(reverse("admin:outlets_salespoint_change", args=[own.pk])).status_code == 200
    # Django's admin answers an object outside the queryset by sending the user back to the index.
    response = client.get(reverse("admin:outlets_salespoint_change", args=[other.pk]))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_trade_officer_can_only_record_fairs_in_own_province(client, ha_tinh_trade_officer):
    other_fair = FairFactory(name="Hội chợ OCOP Thanh Hóa", province_code=THANH_HOA, ward_code=THANH_HOA_WARD)
    form = client.get(reverse("admin:outlets_fair_add")).context["adminform"].form
    assert [code for code, _label in form.fields["province_code"].choices if code] == [HA_TINH]
    assert client.get(reverse("admin:outlets_fair_change", args=[other_fair.pk])).status_code == 302


def test_coordination_officer_records_a_certificate_with_its_history(client, ha_tinh_coordination_officer):
    product = ProductFactory(title="Cam bù Hương Sơn")
    data = {
        "product": product.pk,
        "number": "OCOP-HT-2026-001",
        "stars": 4,
        "score": 78,
        "group": "food",
        "subgroup": "fresh_produce",
        "certifying_level": "province",
        "issuing_authority": "UBND tỉnh Hà Tĩnh",
        "decision_number": "1234/QĐ-UBND",
        "decision_date": "15/03/2026",
        "valid_from": "15/03/2026",
        "valid_until": "",
        "reference": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:catalogue_ocopcertificate_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    certificate = OcopCertificate.objects.get(number="OCOP-HT-2026-001")
    product.refresh_from_db()
    assert product.certificate == certificate
    assert certificate.valid_until == date(2029, 3, 14)
    event = certificate.events.get()
    assert event.kind == CertificateEvent.Kind.ISSUED
    assert event.recorded_by == ha_tinh_coordination_officer
    assert event.reference == "1234/QĐ-UBND — UBND tỉnh Hà Tĩnh"


def test_coordination_officer_cannot_certify_another_provinces_product(client, ha_tinh_coordination_officer):
    other = ProductFactory(producer=ProducerFactory(province_code=THANH_HOA, ward_code=THANH_HOA_WARD))
    data = {
        "product": other.pk,
        "number": "OCOP-TH-1",
        "stars": 3,
        "score": 55,
        "group": "food",
        "subgroup": "processed_food",
        "certifying_level": "province",
        "issuing_authority": "UBND tỉnh Thanh Hóa",
        "decision_number": "1/QĐ-UBND",
        "decision_date": "15/03/2026",
        "valid_from": "15/03/2026",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:catalogue_ocopcertificate_add"), data)
    assert response.status_code == 200
    assert "product" in response.context["adminform"].form.errors
    assert not OcopCertificate.objects.filter(number="OCOP-TH-1").exists()


def test_a_recorded_certificate_is_read_only_in_the_admin(client, ha_tinh_coordination_officer):
    product = certified_product(stars=4)
    certificate = product.certificate
    page = client.get(reverse("admin:catalogue_ocopcertificate_change", args=[certificate.pk]))
    assert page.status_code == 200
    assert "stars" not in page.context["adminform"].form.fields
    client.post(reverse("admin:catalogue_ocopcertificate_change", args=[certificate.pk]), {"stars": 5, "score": 95})
    certificate.refresh_from_db()
    assert (certificate.stars, certificate.events.count()) == (4, 0)


def test_certificates_of_other_provinces_are_not_listed(client, ha_tinh_coordination_officer):
    own = certified_product(title="Nhung hươu Hương Sơn")
    other = certified_product(
        title="Nem chua Thanh Hóa", producer=ProducerFactory(province_code=THANH_HOA, ward_code=THANH_HOA_WARD)
    )
    listing = client.get(reverse("admin:catalogue_ocopcertificate_changelist")).content.decode()
    assert own.certificate.number in listing
    assert other.certificate.number not in listing


@pytest.mark.parametrize("url", ["/dashboard/catalogue/", "/dashboard/orders/", "/dashboard/users/"])
def test_officers_are_kept_out_of_oscars_shop_wide_dashboard(client, url):
    """Oscar's dashboard would take an is_staff officer for an administrator of every producer."""
    client.force_login(officer(Role.COORDINATION_OFFICER, HA_TINH, "vpdp@example.vn"))
    assert client.get(url).status_code == 403


def test_officers_front_page_of_the_dashboard_is_the_listing_review(client):
    client.force_login(officer(Role.COORDINATION_OFFICER, HA_TINH, "vpdp@example.vn"))
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:review-list")


def test_producer_staff_work_in_their_own_pages_not_oscars(client):
    """Oscar's product pages would let a producer rename a product without review."""
    producer = ProducerFactory()
    staff = get_user_model().objects.create_user(username="hung", email="hung@example.vn", password="x")
    staff.groups.add(Group.objects.get(name=Role.PRODUCER_STAFF))
    producer.users.add(staff)
    client.force_login(staff)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/dashboard/catalogue/").status_code == 403
    assert client.get("/dashboard/orders/").status_code == 403


def test_superusers_keep_the_whole_dashboard(client):
    admin = get_user_model().objects.create_superuser(username="root", email="root@example.vn", password="x")
    StaffProfile.objects.create(user=admin, province_code=HA_TINH, organisation="Sở")
    client.force_login(admin)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/dashboard/catalogue/").status_code == 200
