"""Refusals say why, in the visitor's language, inside the site's own page."""

import pytest
from django.urls import reverse

from tests.factories import SalesPointFactory, partner_staff

pytestmark = pytest.mark.django_db


def test_a_sales_point_operator_is_told_why_a_producer_page_is_refused(client):
    operator = partner_staff(SalesPointFactory().partner, "diemban@example.vn")
    client.force_login(operator)
    response = client.get(reverse("dashboard:producer-product-list"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Trang này dành cho nhân viên của chủ thể OCOP." in body
    assert "Chợ OCOP" in body


def test_another_producers_object_is_the_sites_not_found_page(client_a, nem_b):
    response = client_a.get(reverse("dashboard:producer-product-update", kwargs={"pk": nem_b.pk}))
    assert response.status_code == 404
    assert "Chợ OCOP" in response.content.decode()
