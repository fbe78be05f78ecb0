"""A producer gives a listing its shipping weight: live at once, not sent to the listing review."""

import pytest
from django.urls import reverse

from catalog.models import ListingRevision

pytestmark = pytest.mark.django_db


def url(product):
    return reverse("dashboard:producer-product-update", kwargs={"pk": product.pk})


def test_the_weight_is_saved_at_once_without_a_review(client_a, oranges):
    oranges.weight_grams = None
    oranges.save(update_fields=["weight_grams"])
    revisions = ListingRevision.objects.count()
    response = client_a.post(
        url(oranges), {"packaging": oranges.packaging, "description": oranges.description, "weight_grams": "5400"}
    )
    assert response.status_code == 302
    oranges.refresh_from_db()
    assert oranges.weight_grams == 5400
    assert ListingRevision.objects.count() == revisions
    assert client_a.get(url(oranges)).context["form"]["weight_grams"].value() == 5400


@pytest.mark.parametrize("weight", ["0", "-3", "1,5kg"])
def test_a_bad_weight_is_a_form_error(client_a, oranges, weight):
    response = client_a.post(
        url(oranges), {"packaging": oranges.packaging, "description": oranges.description, "weight_grams": weight}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["weight_grams"]
    oranges.refresh_from_db()
    assert oranges.weight_grams is None
