"""Keeping the search up to date: which products a change touches, sent to the engines after the commit.

A saved or deleted product, certificate, stock record, producer, sales point, fair, booth or a
product's categories changes the ProductRecord of some products (search.records). Once the
transaction commits, a Celery task brings them up to date in every engine
(search.tasks.update_products): idempotent, so a retry, or the same product sent by two changes
of one transaction, does no harm. Whatever slips past the signals (a queryset update, the
shell) the periodic repair finds by comparing fingerprints (search.tasks.repair_index).
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from oscar.core.loading import get_model


def products_changed(product_ids):
    """Send these products to the engines once the current transaction commits (at once outside one).

    With settings.SEARCH_INDEX_AFTER_COMMIT off (the tests, whose transactions never commit) they
    are sent at once.
    """
    product_ids = sorted({product_id for product_id in product_ids if product_id is not None})
    if not product_ids:
        return
    if settings.SEARCH_INDEX_AFTER_COMMIT:
        transaction.on_commit(lambda: _send(product_ids))
    else:
        _send(product_ids)


def _send(product_ids):
    from search.tasks import update_products

    update_products.delay(product_ids)


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
    for sender, receiver in receivers.items():
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=sender, dispatch_uid=f"search:{sender}:{signal is post_save}")
    Product = get_model("catalogue", "Product")
    m2m_changed.connect(_categories_changed, sender=Product.categories.through, dispatch_uid="search:categories")
