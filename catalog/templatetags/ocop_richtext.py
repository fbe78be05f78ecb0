from django import template
from django.utils.safestring import mark_safe

from catalog.richtext import rich_text_html

register = template.Library()


@register.filter(is_safe=True)
def rich_text(value):
    """A description or story as safe HTML: sanitized again on the way out, whatever is stored."""
    return mark_safe(rich_text_html(value))  # noqa: S308 — rich_text_html has removed everything unsafe
