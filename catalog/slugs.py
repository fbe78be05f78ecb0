"""ASCII slugs of Vietnamese text."""

from django.utils.text import slugify


def ascii_slug(text):
    """An ASCII slug of Vietnamese text: 'Đồng Lộc' → 'dong-loc' (slugify alone drops the đ)."""
    return slugify(text.replace("đ", "d").replace("Đ", "D"))
