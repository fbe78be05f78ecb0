from django.contrib import admin
from django.urls import reverse

from shop.imports.models import ProductImport
from tests.factories import ProducerFactory


def test_imports_are_read_only_in_the_admin(admin_client, rf, admin_user):
    product_import = ProductImport.objects.create(
        producer=ProducerFactory(), original_name="san-pham.csv", format="csv", file="imports/x.csv", row_count=3
    )
    response = admin_client.get(reverse("admin:imports_productimport_changelist"))
    assert response.status_code == 200
    assert "san-pham.csv" in response.content.decode()
    model_admin = admin.site._registry[ProductImport]
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, product_import)
