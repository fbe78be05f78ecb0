"""Recently viewed products, as Oscar keeps them in a cookie; only those for sale, fetched together."""

from oscar.apps.customer.history import CustomerHistoryManager as CoreCustomerHistoryManager

from catalog.models import Product


class CustomerHistoryManager(CoreCustomerHistoryManager):
    @classmethod
    def get(cls, request):
        ids = cls.extract(request)
        products = Product.objects.for_listing().in_bulk(ids)
        return [products[product_id] for product_id in reversed(ids) if product_id in products]
