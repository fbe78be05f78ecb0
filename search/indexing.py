"""Keeping the search up to date: which products a change touches, sent to the engines after the commit.

A saved or deleted product, certificate, stock record, producer, sales point, fair, booth or a
product's categories changes the ProductRecord of some products (search.records). Once the
transaction commits, a Celery task brings them up to date in every engine
(search.tasks.update_products): idempotent, so a retry, or the same product sent by two changes
of one transaction, does no harm. Whatever slips past the signals (a queryset update, the
shell) the periodic repair finds by comparing fingerprints (search.tasks.repair_index).

Sales points and fairs go the same way (places_changed, search.tasks.update_places): a change to
a sales point, its partner or its stock, to a fair or its booths, or to a product they hold or
show, sends the places whose PlaceRecord (search.place_records) it changes.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from oscar.core.loading import get_model

from search.place_records import FAIR, SALES_POINT


def products_changed(product_ids):
    """Send these products to the engines once the current transaction commits (at once outside one).

    With settings.SEARCH_INDEX_AFTER_COMMIT off (the tests, whose transactions never commit) they
    are sent at once.
    """
    product_ids = sorted({product_id for product_id in product_ids if product_id is not None})
    if product_ids:
        _after_commit(lambda: _send(product_ids))


def places_changed(keys):
    """Send these places ((kind, id) pairs) to the engines once the current transaction commits, as
    products_changed() does."""
    keys = sorted({(kind, place_id) for kind, place_id in keys if place_id is not None})
    if keys:
        _after_commit(lambda: _send_places([list(key) for key in keys]))


def _after_commit(send):
    if settings.SEARCH_INDEX_AFTER_COMMIT:
        transaction.on_commit(send)
    else:
        send()


def _send(product_ids):
    from search.tasks import update_products

    update_products.delay(product_ids)


def _send_places(keys):
    from search.tasks import update_places

    update_places.delay(keys)


# --- which products a change touches ------------------------------------------------------------


def _products_of_producer(producer_id):
    Product = get_model("catalogue", "Product")
    return Product.objects.filter(producer_id=producer_id, parent__isnull=True).values_list("pk", flat=True)


def _owner_id(product):
    """The id of the product whose record holds ``product``: a variant's parent."""
    return product.parent_id or product.pk


def _product_saved(sender, instance, **kwargs):
    products_changed([_owner_id(instance)])


def _certificate_saved(sender, instance, **kwargs):
    Product = get_model("catalogue", "Product")
    products_changed(Product.objects.filter(certificate_id=instance.pk).values_list("pk", flat=True))


def _stockrecord_saved(sender, instance, **kwargs):
    products_changed([instance.product_id])  # a variant's: the engines update its parent (records.with_parents)


def _partner_saved(sender, instance, **kwargs):
    StockRecord = get_model("partner", "StockRecord")
    if instance.kind == instance.Kind.PRODUCER:
        products_changed(_products_of_producer(instance.pk))
    else:  # a sales point's partner: the products it holds
        products_changed(StockRecord.objects.filter(partner_id=instance.pk).values_list("product_id", flat=True))


def _sales_point_saved(sender, instance, **kwargs):
    StockRecord = get_model("partner", "StockRecord")
    products_changed(StockRecord.objects.filter(partner_id=instance.partner_id).values_list("product_id", flat=True))


def _fair_saved(sender, instance, **kwargs):
    Product = get_model("catalogue", "Product")
    producers = instance.booths.values_list("producer_id", flat=True)
    products_changed(
        Product.objects.filter(producer_id__in=producers, parent__isnull=True).values_list("pk", flat=True)
    )


def _booth_saved(sender, instance, **kwargs):
    products_changed(_products_of_producer(instance.producer_id))


def _categories_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # a category's products changed
        products_changed(pk_set or [])
    else:
        products_changed([instance.pk])


# --- which places a change touches ---------------------------------------------------------------


def _sales_points_of_partners(partner_ids):
    SalesPoint = get_model("outlets", "SalesPoint")
    return [
        (SALES_POINT, pk) for pk in SalesPoint.objects.filter(partner_id__in=partner_ids).values_list("pk", flat=True)
    ]


def _fairs(fair_ids):
    return [(FAIR, fair_id) for fair_id in fair_ids]


def _places_of_products(product_ids, producer_ids):
    """The sales points holding these products (or their variants) and the fairs whose booths show
    them or are their producers' (a deleted product is no longer in its booths: its producer's are)."""
    StockRecord = get_model("partner", "StockRecord")
    Booth = get_model("outlets", "Booth")
    product_ids = list(product_ids)
    partners = StockRecord.objects.filter(
        Q(product_id__in=product_ids) | Q(product__parent_id__in=product_ids), partner__kind="sales_point"
    ).values_list("partner_id", flat=True)
    fairs = Booth.objects.filter(Q(products__in=product_ids) | Q(producer_id__in=producer_ids)).values_list(
        "fair_id", flat=True
    )
    return _sales_points_of_partners(partners) + _fairs(set(fairs))


def _sales_point_changed(sender, instance, **kwargs):
    places_changed([(SALES_POINT, instance.pk)])


def _partner_changed(sender, instance, **kwargs):
    if instance.kind == instance.Kind.PRODUCER:  # its name is in the text of the fairs where it has a booth
        Booth = get_model("outlets", "Booth")
        places_changed(_fairs(Booth.objects.filter(producer_id=instance.pk).values_list("fair_id", flat=True)))
    else:
        places_changed(_sales_points_of_partners([instance.pk]))


def _stockrecord_changed(sender, instance, **kwargs):
    places_changed(_sales_points_of_partners([instance.partner_id]))


def _fair_changed(sender, instance, **kwargs):
    places_changed([(FAIR, instance.pk)])


def _booth_changed(sender, instance, **kwargs):
    places_changed([(FAIR, instance.fair_id)])


def _booth_products_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # a product's booths changed
        Booth = get_model("outlets", "Booth")
        places_changed(_fairs(Booth.objects.filter(pk__in=pk_set or []).values_list("fair_id", flat=True)))
    else:
        places_changed([(FAIR, instance.fair_id)])


def _product_changed(sender, instance, **kwargs):
    places_changed(_places_of_products([_owner_id(instance)], [instance.producer_id]))


def _certificate_changed(sender, instance, **kwargs):
    Product = get_model("catalogue", "Product")
    products = Product.objects.filter(certificate_id=instance.pk)
    places_changed(
        _places_of_products(products.values_list("pk", flat=True), products.values_list("producer_id", flat=True))
    )


def connect_receivers():
    """Connected by the search app when Django starts."""
    receivers = {
        "catalogue.Product": _product_saved,
        "catalogue.OcopCertificate": _certificate_saved,
        "partner.StockRecord": _stockrecord_saved,
        "partner.Partner": _partner_saved,
        "outlets.SalesPoint": _sales_point_saved,
        "outlets.Fair": _fair_saved,
        "outlets.Booth": _booth_saved,
    }
    place_receivers = {
        "catalogue.Product": _product_changed,
        "catalogue.OcopCertificate": _certificate_changed,
        "partner.StockRecord": _stockrecord_changed,
        "partner.Partner": _partner_changed,
        "outlets.SalesPoint": _sales_point_changed,
        "outlets.Fair": _fair_changed,
        "outlets.Booth": _booth_changed,
    }
    for prefix, senders in (("search", receivers), ("search-places", place_receivers)):
        for sender, receiver in senders.items():
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=sender, dispatch_uid=f"{prefix}:{sender}:{signal is post_save}")
    Product = get_model("catalogue", "Product")
    Booth = get_model("outlets", "Booth")
    m2m_changed.connect(_categories_changed, sender=Product.categories.through, dispatch_uid="search:categories")
    m2m_changed.connect(
        _booth_products_changed, sender=Booth.products.through, dispatch_uid="search-places:booth-products"
    )
