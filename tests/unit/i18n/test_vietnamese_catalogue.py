"""Our Vietnamese catalogue (locale/vi/LC_MESSAGES) is complete, faithful to its msgids and compiled.

The site is Vietnamese by default and every string of ours has an English msgid, so a string missing
from locale/vi/LC_MESSAGES/django.po, left empty or fuzzy reaches Vietnamese buyers in English. The
compiled django.mo is committed (a fresh machine may lack gettext's msgfmt) and must say exactly what
the .po says.

When a test here fails after you added or changed a string::

    .venv/bin/python manage.py makemessages -l vi --ignore=.venv --ignore=var --ignore=tests \
        --ignore=node_modules --no-obsolete
    # translate the new entries, drop their "#, fuzzy" flags
    .venv/bin/python manage.py compilemessages -l vi --ignore=.venv

The .po is read with Babel's reader (Babel comes with django-oscar). The source strings are found the
way makemessages finds them, without needing gettext's xgettext: templates go through Django's
``templatize`` and the result, like our Python files, through Babel's Python extractor.
"""

import gettext
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

from catalog.groups import ProductGroup
from shop.partner.models import Partner

BASE_DIR = Path(settings.BASE_DIR)
LC_MESSAGES = BASE_DIR / "locale" / "vi" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# What makemessages scans: .py, .html and .txt files outside these folders (and hidden ones).
IGNORED_DIRS = {".venv", "var", "tests", "node_modules", "locale", "static", "media"}
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
# The keywords Django gives xgettext, in Babel's notation ((n, "c") is the context argument).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs%]")
FORMAT = re.compile(r"\{[A-Za-z_][\w.]*\}|\{\d*\}")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def load_catalogue():
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="vi")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def entries(catalogue):
    return [message for message in catalogue if message.id]


def singular(message):
    return message.id[0] if message.pluralizable else message.id


def label(message):
    return f"{message.id!r} ({', '.join(f'{path}:{line}' for path, line in message.locations) or 'no location'})"


def translations(message):
    return list(message.string) if message.pluralizable else [message.string]


def placeholders(text):
    """The parts of a message a translation must keep as they are: %(name)s, %s, %%, {name}, HTML tags."""
    return Counter(PRINTF.findall(text)) + Counter(FORMAT.findall(text)) + Counter(HTML_TAG.findall(text))


def source_messages():
    """{(context, msgid): [where]} for every translatable string of our code and templates."""
    found = {}
    for path in sorted(BASE_DIR.rglob("*")):
        relative = path.relative_to(BASE_DIR)
        folders = relative.parts[:-1]
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
            continue
        if any(folder in IGNORED_DIRS or folder.startswith(".") for folder in folders):
            continue
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            # templatize keeps line numbers but not Python indentation, which means nothing here.
            source = "\n".join(line.lstrip() for line in templatize(source, origin=str(relative)).splitlines())
        for lineno, function, arguments, _comments in extract_python(
            io.BytesIO(source.encode("utf-8")), KEYWORDS.keys(), [], {}
        ):
            arguments = list(arguments) if isinstance(arguments, tuple | list) else [arguments]
            spec = KEYWORDS[function]
            context = None
            if spec and isinstance(spec[0], tuple):
                context, arguments = arguments[0], arguments[1:]
            if arguments and isinstance(arguments[0], str):
                found.setdefault((context, arguments[0]), []).append(f"{relative}:{lineno}")
    return found


# --- the .po ----------------------------------------------------------------------------------------
def test_catalogue_header_is_vietnamese_with_a_single_plural_form(catalogue):
    assert not catalogue.fuzzy, "the header is marked fuzzy: msgfmt would ignore it"
    headers = dict(catalogue.mime_headers)
    assert headers["Language"] == "vi"
    assert headers["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=utf-8" in headers["Content-Type"].lower()
    assert catalogue.num_plurals == 1


def test_catalogue_covers_every_string_of_our_code(catalogue):
    in_catalogue = {(message.context, singular(message)) for message in entries(catalogue)}
    sources = source_messages()
    missing = sorted(f"{key[1]!r} ({', '.join(where)})" for key, where in sources.items() if key not in in_catalogue)
    assert len(sources) > 250, "the source scan found too few strings to be looking at our code"
    assert not missing, "run makemessages and translate:\n" + "\n".join(missing)


def test_catalogue_has_no_obsolete_entries(catalogue):
    """An entry whose msgid is gone from the code is dead weight, and may hide a changed msgid."""
    sources = source_messages()
    stale = [label(message) for message in entries(catalogue) if (message.context, singular(message)) not in sources]
    assert not catalogue.obsolete, f"obsolete (#~) entries: {list(catalogue.obsolete)}"
    assert not stale, "run makemessages with --no-obsolete:\n" + "\n".join(stale)


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [label(m) for m in entries(catalogue) if not all(s and s.strip() for s in translations(m))]
    fuzzy = [label(m) for m in entries(catalogue) if m.fuzzy]
    assert not untranslated, "empty msgstr:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy entries (check them, then remove the flag):\n" + "\n".join(fuzzy)


def test_plural_entries_have_exactly_one_form(catalogue):
    wrong = [label(m) for m in entries(catalogue) if m.pluralizable and len(m.string) != 1]
    assert not wrong, "Vietnamese has one plural form (msgstr[0] only):\n" + "\n".join(wrong)


def test_translations_keep_the_placeholders_and_tags_of_their_msgid(catalogue):
    problems = []
    for message in entries(catalogue):
        # With one plural form, msgstr[0] is used for every count: it must carry the plural's placeholders.
        source = message.id[1] if message.pluralizable else message.id
        for text in translations(message):
            if placeholders(text) != placeholders(source):
                problems.append(f"{label(message)}: {sorted(placeholders(source).elements())} ≠ {text!r}")
    assert not problems, "\n".join(problems)


def test_translations_are_not_left_in_english(catalogue):
    """A msgstr copied from its msgid is an untranslated string in disguise (proper nouns excepted)."""
    same_in_both = {"OCOP", "Email", "email"}
    copied = [
        label(m)
        for m in entries(catalogue)
        if singular(m) not in same_in_both and any(text == singular(m) for text in translations(m))
    ]
    assert not copied, "\n".join(copied)


def test_placeholder_check_catches_a_lost_placeholder():
    assert placeholders("Kính gửi %(name)s,") == placeholders("Dear %(name)s,")
    assert placeholders("Kính gửi,") != placeholders("Dear %(name)s,")
    assert placeholders("<strong>%(n)s</strong> sản phẩm") != placeholders("<strong>%(n)s products")


# --- the .mo ----------------------------------------------------------------------------------------
def test_compiled_catalogue_says_exactly_what_the_po_says(catalogue):
    """django.mo is compiled from the current django.po: same entries, same translations."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected = {}
    for message in entries(catalogue):
        key = singular(message) if message.context is None else f"{message.context}\x04{singular(message)}"
        if message.pluralizable:
            for index, text in enumerate(message.string):
                expected[(key, index)] = text
        else:
            expected[key] = message.string
    actual = {key: text for key, text in compiled._catalog.items() if key != ""}

    stale = sorted(repr(key) for key in expected.keys() ^ actual.keys())
    different = sorted(repr(key) for key in expected.keys() & actual.keys() if expected[key] != actual[key])
    hint = "recompile: .venv/bin/python manage.py compilemessages -l vi --ignore=.venv\n"
    assert not stale, hint + "entries in one file only:\n" + "\n".join(stale)
    assert not different, hint + "translations that differ:\n" + "\n".join(different)
    assert compiled.plural(1) == compiled.plural(5) == 0


# --- what the code gets -------------------------------------------------------------------------------
def test_the_six_product_groups_bear_the_names_of_decision_148():
    with translation.override("vi"):
        names = {group: str(group.label) for group in ProductGroup}
    assert names == {
        ProductGroup.FOOD: "Thực phẩm",
        ProductGroup.BEVERAGES: "Đồ uống",
        ProductGroup.HERBS: "Dược liệu và sản phẩm từ dược liệu",
        ProductGroup.HANDICRAFTS: "Thủ công mỹ nghệ",
        ProductGroup.ORNAMENTAL: "Sinh vật cảnh",
        ProductGroup.TOURISM: "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
    }


def test_producer_types_use_the_legal_names():
    with translation.override("vi"):
        names = [str(kind.label) for kind in Partner.ProducerKind]
    assert names == ["Doanh nghiệp", "Hợp tác xã (HTX)", "Tổ hợp tác (THT)", "Hộ kinh doanh"]


def test_our_translation_wins_over_oscars_for_a_shared_msgid():
    """LOCALE_PATHS come before the apps' catalogues: Oscar's "Tất cả sản phẩm " has a stray space."""
    with translation.override("vi"):
        assert translation.gettext("All products") == "Tất cả sản phẩm"
    with translation.override("en"):
        assert translation.gettext("All products") == "All products"
