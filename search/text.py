"""Vietnamese text as buyers type it: without diacritics, in any case, with synonyms.

Both search engines fold text the same way: lower case, diacritics removed, "đ" read as "d"
("Đậu phụ" and "dau phu" are the same words), anything that is not a letter or a digit a space.
Elasticsearch does it with the lowercase and asciifolding filters; the database engine with
fold() on what it stores and on what the buyer types.
"""

import re
import unicodedata
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import translation

NOT_A_WORD = re.compile(r"[^0-9a-z]+")
SYNONYMS_FILE = Path(settings.BASE_DIR) / "fixtures" / "search_synonyms.txt"


def fold(text):
    """``text`` lower-cased, without diacritics, "đ" as "d", words separated by single spaces."""
    text = (text or "").lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return NOT_A_WORD.sub(" ", stripped).strip()


def words(text):
    """The folded words of ``text``."""
    return fold(text).split()


@cache
def synonym_sets():
    """The synonym sets of fixtures/search_synonyms.txt, each a tuple of phrases as written there
    (one set a line, phrases separated by commas; lines starting with # are comments)."""
    sets = []
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            phrases = tuple(phrase.strip() for phrase in line.split(",") if phrase.strip())
            if len(phrases) > 1:
                sets.append(phrases)
    return tuple(sets)


@cache
def folded_synonym_sets():
    """synonym_sets() folded: what both engines match on."""
    return tuple(tuple(dict.fromkeys(fold(phrase) for phrase in phrases)) for phrases in synonym_sets())


def in_both_languages(*labels):
    """These (lazily translated) labels in Vietnamese, then in English, each text once, empty ones
    left out: a buyer may search by either ("đồ uống", "beverages")."""
    texts = []
    for language in ("vi", "en"):
        with translation.override(language):
            texts += [str(label) for label in labels if label]
    return " ".join(dict.fromkeys(texts))
