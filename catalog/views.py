"""The storefront's product page, forked from Oscar's catalogue views.

A product page shows what a buyer needs to trust an OCOP product: its
certificate and the history behind it, its producer, and where it can be seen
in person. A product that may not be sold today is gone for the public, as it
is from the listings; staff still see it, with the reason.
"""

from django.db.models import Prefetch
from oscar.apps.catalogue.views import ProductDetailView as CoreProductDetailView
from oscar.core.loading import get_class, get_model

from shop.outlets.finder import where_to_see

Product = get_model("catalogue", "Product")
CertificateEvent = get_model("catalogue", "CertificateEvent")


class ProductDetailView(CoreProductDetailView):
    def get_queryset(self):
        return Product.objects.select_related(
            "product_class",
            "parent",
            "parent__certificate",
            "certificate",
            "producer",
        ).prefetch_related(
            "images",
            "stockrecords",
            Prefetch(
                "certificate__events",
                queryset=CertificateEvent.objects.order_by("-occurred_on", "-pk"),
                to_attr="history",
            ),
        )

    def is_viewable(self, product, request):
        if request.user.is_staff:
            return True
        owner = product.parent if product.is_child else product
        return product.is_public and owner.is_for_sale

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.object
        owner = product.parent if product.is_child else product
        certificate = owner.certificate
        context["certificate"] = certificate
        context["certificate_history"] = getattr(certificate, "history", []) if certificate else []
        context["producer"] = owner.producer
        context["not_for_sale_reason"] = owner.reason_not_for_sale()
        context.update(where_to_see(owner))
        return context


CatalogueView = get_class("search.views", "CatalogueView")
ProductCategoryView = get_class("search.views", "ProductCategoryView")
