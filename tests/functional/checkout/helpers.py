"""Steps of Oscar's checkout shared by the checkout tests."""

from django.urls import reverse


def add(client, product, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302


def up_to_preview(client):
    """A signed-in buyer's way through Oscar's checkout to the preview page."""
    response = client.get(reverse("checkout:index"), follow=True)
    assert response.request["PATH_INFO"] == reverse("checkout:shipping-address")
    response = client.post(
        reverse("checkout:shipping-address"),
        {
            "first_name": "Ngọc Anh",
            "last_name": "Trần",
            "line1": "12 Phan Đình Phùng",
            "line4": "Hà Tĩnh",
            "postcode": "480000",
            "country": "VN",
            "phone_number": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    response = client.get(reverse("checkout:preview"))
    assert response.status_code == 200, response
    return response
