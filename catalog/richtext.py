"""Rich text that producers write (product descriptions, producer stories), made safe.

nh3 (the Python binding of the Rust sanitizer ammonia) keeps a short list of
formatting tags and drops everything else: scripts and styles with their
content, event handlers, every attribute but a link's href, and links that are
not http, https or mailto (javascript:, data:, relative and protocol-relative
ones). Text is cleaned before it is stored and again when it is shown.
"""

import re

import nh3
from django.template.defaultfilters import linebreaks_filter

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow"
# Their content is code or a document of its own, not text to keep.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript"}
)

BLOCK_TAG = re.compile(r"<\s*(p|br|ul|ol|li|h[1-6]|blockquote|div|table)\b", re.IGNORECASE)

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    url_relative="deny",
    strip_comments=True,
)


def clean_rich_text(html):
    """``html`` with only the allowed tags and safe links left; plain text comes back escaped."""
    if not html:
        return ""
    return _cleaner.clean(str(html)).strip()


def rich_text_html(value):
    """Stored rich text as HTML to show, cleaned again. Text without paragraphs of its own (plain text,
    or text with only inline tags) keeps its line breaks as paragraphs and <br>."""
    if not value:
        return ""
    value = str(value)
    if not BLOCK_TAG.search(value):
        # linebreaks adds only <p> and <br>; the cleaner then escapes or drops whatever else is there.
        value = linebreaks_filter(value, autoescape=False)
    return clean_rich_text(value)
