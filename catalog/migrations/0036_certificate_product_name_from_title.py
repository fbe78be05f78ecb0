from django.db import migrations
from django.db.models import OuterRef, Subquery


def name_from_product_title(apps, schema_editor):
    """Certificates written before they carried the certified name take their product's title."""
    OcopCertificate = apps.get_model("catalogue", "OcopCertificate")
    Product = apps.get_model("catalogue", "Product")
    title = Product.objects.filter(pk=OuterRef("product_id")).values("title")[:1]
    OcopCertificate.objects.filter(product_name="").update(product_name=Subquery(title))


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0035_listing_review"),
    ]

    operations = [
        migrations.RunPython(name_from_product_title, migrations.RunPython.noop),
    ]
