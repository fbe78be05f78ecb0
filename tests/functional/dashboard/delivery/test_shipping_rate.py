"""A producer sets their own delivery charge (bad input refused and kept); a sales point has no such page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.partner.models import ShippingRate
from tests.factories import SalesPointFactory, partner_staff

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:producer-shipping-rate")


def test_without_a_rate_the_default_is_shown_with_examples(client_a, settings):
    settings.DEFAULT_SHIPPING_CHARGE = 30000
    response = client_a.get(URL)
    assert response.status_code == 200
    assert response.context["rate"] is None
    assert [example["charge"] for example in response.context["examples"]] == [Decimal(30000)] * 3
    assert 'id="default_rate_notice"' in response.content.decode()


def test_the_producer_sets_a_rate_by_weight_and_sees_what_it_charges(client_a, producer_a):
    response = client_a.post(
        URL, {"kind": "by_weight", "base_charge": "25.000", "charge_per_kg": "5000 đ", "free_above": "1.000.000"}
    )
    assert response.status_code == 302
    rate = ShippingRate.objects.get(producer=producer_a)
    assert (rate.kind, rate.base_charge, rate.charge_per_kg, rate.free_above) == (
        "by_weight",
        Decimal(25000),
        Decimal(5000),
        Decimal(1000000),
    )
    examples = client_a.get(URL).context["examples"]
    # 800 g → base; 2500 g → base + 2 further kg; 1.2 million đồng of goods → free
    assert [example["charge"] for example in examples] == [Decimal(25000), Decimal(35000), Decimal(0)]
    # changing it edits the same row
    client_a.post(URL, {"kind": "flat", "base_charge": "0", "charge_per_kg": "", "free_above": ""})
    rate = ShippingRate.objects.get(producer=producer_a)
    assert (rate.kind, rate.base_charge, rate.charge_per_kg, rate.free_above) == ("flat", 0, 0, None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "flat", "base_charge": "abc"}, "base_charge", "Enter an amount in đồng"),
        ({"kind": "flat", "base_charge": "-5000"}, "base_charge", "cannot be below 0"),
        ({"kind": "flat", "base_charge": "25000.5"}, "base_charge", "no decimals"),
        ({"kind": "flat", "base_charge": ""}, "base_charge", "Enter the charge per order"),
        ({"kind": "by_weight", "base_charge": "25000", "charge_per_kg": ""}, "charge_per_kg", "each further kilogram"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_kept(client_a, producer_a, data, field, message):
    client_a.cookies["django_language"] = "en"
    response = client_a.post(URL, data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not ShippingRate.objects.filter(producer=producer_a).exists()
    assert response.context["form"][field].value() == data.get(field, "")


def test_a_sales_point_operator_has_no_delivery_charge_page(client):
    operator = partner_staff(SalesPointFactory().partner, "quay@diemban.vn")
    client.force_login(operator)
    assert client.get(URL).status_code == 403
