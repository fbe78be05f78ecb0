"""Where a buyer can see a certified product in person: sales points and fair booths."""

from django.db.models import Exists, OuterRef, Subquery

from shop.outlets.models import Booth, Fair, SalesPoint


def sales_points_carrying(product):
    """Open sales points holding a stock record of ``product``, each with its ``num_in_stock``."""
    from shop.partner.models import StockRecord

    records = StockRecord.objects.filter(partner_id=OuterRef("partner_id"), product=product)
    return (
        SalesPoint.objects.open_to_buyers()
        .filter(Exists(records))
        .annotate(num_in_stock=Subquery(records.values("num_in_stock")[:1]))
        .select_related("partner")
        .order_by("partner__province_code", "partner__name")
    )


def booths_for(product, day=None):
    """Booths at fairs not yet over where the product's producer has a stand, soonest first.

    ``shows_product`` tells whether the booth lists this very product.
    """
    if product.producer_id is None:
        return Booth.objects.none()
    shown = Booth.products.through.objects.filter(booth_id=OuterRef("pk"), product_id=product.pk)
    return (
        Booth.objects.filter(producer_id=product.producer_id, fair__in=Fair.objects.upcoming(day))
        .annotate(shows_product=Exists(shown))
        .select_related("fair")
        .order_by("fair__starts_on", "fair__name", "number")
    )


def where_to_see(product):
    """What a product page shows under "see it in person"."""
    return {"sales_points": sales_points_carrying(product), "booths": booths_for(product)}
