"""Steps of the checkout shared by the checkout tests."""

from django.urls import reverse

from tests.factories import HA_TINH, HA_TINH_WARD

ADDRESS = {
    "recipient_name": "Trần Ngọc Anh",
    "phone_number": "0912 345 678",
    "province_code": str(HA_TINH),
    "ward_code": str(HA_TINH_WARD),
    "street": "12 Phan Đình Phùng",
    "notes": "",
}


def add(client, product, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302


def fulfilment_page(client):
    """The delivery-or-pickup page, reached from the checkout's start."""
    response = client.get(reverse("checkout:index"), follow=True)
    assert response.request["PATH_INFO"] == reverse("checkout:shipping-address"), response.redirect_chain
    return response


def choose_fulfilment(client, choices=None, address=ADDRESS):
    """Post the delivery-or-pickup page: ``choices`` maps a producer to its fields (``{"method": …,
    "sales_point": …, "booth_day": …}``); every other producer of the basket is delivered."""
    page = fulfilment_page(client)
    data = dict(address)
    for options in page.context["form"].group_options:
        data[f"method_{options.producer_id}"] = "delivery"
    for producer, fields in (choices or {}).items():
        for name, value in fields.items():
            data[f"{name}_{producer.pk}"] = value
    return client.post(reverse("checkout:shipping-address"), data)


def choose_payment(client, method="cash"):
    return client.post(reverse("checkout:payment-method"), {"method": method})


def up_to_preview(client, choices=None, payment="cash"):
    """A buyer's way through the checkout to the preview page: everything delivered and paid in cash
    unless ``choices``/``payment`` say otherwise."""
    response = choose_fulfilment(client, choices)
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == reverse("checkout:payment-method")
    response = choose_payment(client, payment)
    assert response.status_code == 302, response.context["form"].errors
    response = client.get(reverse("checkout:preview"))
    assert response.status_code == 200, response
    return response


def place_order(client):
    return client.post(reverse("checkout:preview"), {"action": "place_order"})
