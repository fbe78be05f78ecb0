from django.db import migrations


def add_vietnam(apps, schema_editor):
    """Orders are delivered in Việt Nam: Oscar's addresses need the country to exist."""
    Country = apps.get_model("address", "Country")
    Country.objects.get_or_create(
        iso_3166_1_a2="VN",
        defaults={
            "iso_3166_1_a3": "VNM",
            "iso_3166_1_numeric": "704",
            "name": "Việt Nam",
            "printable_name": "Việt Nam",
            "is_shipping_country": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("address", "0007_useraddress_code"),
        ("order", "0025_fulfilment_groups_and_notifications"),
    ]

    operations = [migrations.RunPython(add_vietnam, migrations.RunPython.noop)]
