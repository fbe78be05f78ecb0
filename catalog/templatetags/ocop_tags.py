"""Template helpers of the OCOP storefront: stars, product groups, product photos."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalog.groups import ProductGroup
from catalog.stars import MAX_STARS

register = template.Library()


def stars_label(stars):
    return _("%(stars)s-star OCOP") % {"stars": stars}


@register.inclusion_tag("oscar/catalogue/partials/stars.html")
def ocop_stars(stars, size=""):
    """A star level drawn as ★ and ☆, labelled for screen readers ("4-star OCOP")."""
    try:
        stars = max(0, min(int(stars), MAX_STARS))
    except (TypeError, ValueError):
        return {"stars": None}
    return {
        "stars": stars,
        "filled": "★" * stars,
        "empty": "☆" * (MAX_STARS - stars),
        "label": stars_label(stars),
        "size": size,
    }


@register.simple_tag(takes_context=True)
def ocop_groups(context):
    """The six OCOP product groups, each with the URL of its catalogue page.

    A group with a public category links to that category; otherwise to the
    catalogue filtered by the group. One query per request.
    """
    request = context.get("request")
    cached = getattr(request, "_ocop_groups", None)
    if cached is not None:
        return cached
    Category = get_model("catalogue", "Category")
    categories = {
        category.ocop_group: category
        for category in Category.objects.filter(is_public=True, ocop_subgroup="").exclude(ocop_group="")
    }
    catalogue_url = reverse("catalogue:index")
    groups = []
    for code, name in ProductGroup.choices:
        category = categories.get(code)
        url = category.get_absolute_url() if category else f"{catalogue_url}?{urlencode({'group': code})}"
        groups.append({"code": code, "name": name, "url": url, "category": category})
    if request is not None:
        request._ocop_groups = groups
    return groups


@register.filter
def ocop_group(groups, code):
    """The entry of ``ocop_groups`` for one group code."""
    for group in groups or ():
        if group["code"] == code:
            return group
    return None


@register.simple_tag
def image_url(image):
    """The URL of a product image or of Oscar's "no image" picture (no thumbnailer needed)."""
    original = getattr(image, "original", None)
    if original is None and isinstance(image, dict):
        original = image.get("original")
    if not original or isinstance(original, str) or (isinstance(image, dict) and image.get("is_missing")):
        return static("oscar/img/image_not_found.jpg")
    try:
        return original.url
    except ValueError:
        return static("oscar/img/image_not_found.jpg")
