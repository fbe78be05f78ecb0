"""The six OCOP product groups of Decision 148/QĐ-TTg and their sub-groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductGroup(models.TextChoices):
    FOOD = "food", _("Food")
    BEVERAGES = "beverages", _("Beverages")
    HERBS = "herbs", _("Medicinal herbs and herbal products")
    HANDICRAFTS = "handicrafts", _("Handicrafts")
    ORNAMENTAL = "ornamental", _("Ornamental plants and animals")
    TOURISM = "tourism", _("Community tourism, eco-tourism and tourist sites")


SUBGROUPS = {
    ProductGroup.FOOD: [
        ("fresh_produce", _("Fresh agricultural, forestry and aquatic produce")),
        ("processed_food", _("Processed food")),
        ("condiments", _("Condiments and spices")),
        ("tea", _("Tea and tea products")),
        ("coffee_cocoa", _("Coffee and cocoa")),
    ],
    ProductGroup.BEVERAGES: [
        ("alcoholic", _("Alcoholic drinks")),
        ("soft_drinks", _("Soft drinks and juices")),
    ],
    ProductGroup.HERBS: [
        ("herbal_food", _("Food, drinks and supplements from herbs")),
        ("herbal_medicine", _("Traditional medicines")),
        ("herbal_cosmetics", _("Cosmetics from herbs")),
        ("essential_oils", _("Essential oils and herbal household goods")),
    ],
    ProductGroup.HANDICRAFTS: [
        ("decorative", _("Decorative and household handicrafts")),
        ("textiles", _("Textiles and garments")),
        ("souvenirs", _("Souvenirs and gifts")),
        ("furniture", _("Wooden goods and furniture")),
    ],
    ProductGroup.ORNAMENTAL: [
        ("flowers", _("Flowers and ornamental plants")),
        ("bonsai", _("Bonsai and ornamental trees")),
        ("ornamental_animals", _("Ornamental animals")),
    ],
    ProductGroup.TOURISM: [
        ("community_tourism", _("Community tourism and eco-tourism")),
        ("tourist_sites", _("Tourist and historical sites")),
    ],
}

SUBGROUP_CHOICES = [choice for choices in SUBGROUPS.values() for choice in choices]


def subgroups_of(group):
    return [code for code, _label in SUBGROUPS.get(group, [])]
