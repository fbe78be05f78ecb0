from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from catalog.models import Product
from shop.outlets.models import Fair

HOME_PAGE_PRODUCTS = 8


class HomePage(Page):
    """The storefront's front page: a welcome, featured products and coming fairs."""

    hero_title = models.CharField(_("hero title"), max_length=200)
    hero_text = models.TextField(_("hero text"), blank=True)
    body = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("body"),
        InlinePanel("featured_products", label=_("Featured products")),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def featured_for_sale(self):
        """The editor's picks that are for sale today, in the editor's order."""
        ids = [pk for pk in self.featured_products.values_list("product_id", flat=True)]
        products = Product.objects.for_listing().in_bulk(ids)
        return [products[pk] for pk in ids if pk in products][:HOME_PAGE_PRODUCTS]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured"] = self.featured_for_sale()
        context["upcoming_fairs"] = Fair.objects.upcoming()[:3]
        return context


class HomePageFeaturedProduct(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_products")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("product"))

    panels = [FieldPanel("product")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured product")
        verbose_name_plural = _("featured products")
