"""Database-backed catalogue browsing: the products for sale, filtered.

The search issue moves these pages onto the search engine behind the same
function; until then the database answers, with indexed filters only.
"""

from django.db.models import Exists, OuterRef, Q

from catalog.models import Product, ProductCategory


def filter_products(form, category=None):
    """Products for sale that match a valid CatalogueFilterForm, in its order."""
    products = Product.objects.for_listing()
    data = form.cleaned_data
    if category is not None:
        products = products.filter(category_filter(category))
    if data.get("q"):
        words = data["q"].split()
        for word in words:
            products = products.filter(
                Q(title__icontains=word) | Q(producer__name__icontains=word) | Q(description__icontains=word)
            )
    if data.get("group"):
        products = products.filter(certificate__group__in=data["group"])
    if data.get("province"):
        products = products.filter(producer__province_code__in=data["province"])
    if data.get("stars"):
        products = products.filter(certificate__stars__in=data["stars"])
    return products.order_by(*form.ordering())


def category_filter(category):
    """A category is an OCOP group or sub-group; plain categories go by assignment."""
    if category.ocop_subgroup:
        return Q(certificate__subgroup=category.ocop_subgroup)
    if category.ocop_group:
        return Q(certificate__group=category.ocop_group)
    # A subquery rather than a join: a product in two of the descendants is listed once.
    in_category = ProductCategory.objects.filter(
        product=OuterRef("pk"), category__in=category.get_descendants_and_self()
    )
    return Q(Exists(in_category))
