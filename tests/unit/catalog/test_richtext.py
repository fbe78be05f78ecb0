"""The sanitizer of producers' rich text (descriptions, stories) and its template filter."""

import re

import pytest
from django.template import Context, Template

from catalog.richtext import clean_rich_text, rich_text_html

# Each payload tries to run script or load something; none may survive.
XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>',
    '<a href="&#x6A;avascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="//evil.example/">click</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<body onload="alert(1)">',
    '<div onmouseover="alert(1)">hover</div>',
    '<p onclick="alert(1)">click</p>',
    '<a href="https://ok.example/" onclick="alert(1)">ok</a>',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    '<img src="x" alt="&quot; onerror=&quot;alert(1)">',
    '<a href="https://ok.example/" title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">t</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<video><source onerror="alert(1)"></video>',
    "<xmp><script>alert(1)</script></xmp>",
]

DANGEROUS = re.compile(
    r"<\s*(script|img|svg|math|iframe|object|embed|style|link|meta|base|form|input|video|source|body|template|"
    r"xmp|noscript|details)\b|\son\w+\s*=|javascript:|vbscript:|data:|srcdoc|style\s*=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_nothing_dangerous_survives_cleaning(payload):
    cleaned = clean_rich_text(payload)
    assert not DANGEROUS.search(cleaned), cleaned
    assert not DANGEROUS.search(rich_text_html(payload))


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_cleaning_is_stable(payload):
    once = clean_rich_text(payload)
    assert clean_rich_text(once) == once


def test_formatting_is_kept():
    html = (
        "<h3>Nguồn gốc</h3><p>Cam <strong>bù</strong> <em>Vũ Quang</em> <b>ngọt</b> <i>thanh</i> <u>mọng</u>.<br>"
        "Hái tay.</p><ul><li>Thùng 5 kg</li></ul><ol><li>Bóc</li></ol><h4>Lưu ý</h4><blockquote>Ngon</blockquote>"
    )
    assert clean_rich_text(html) == html


def test_only_safe_links_are_kept_and_get_rel():
    cleaned = clean_rich_text(
        '<a href="https://htx.example.vn/cam" target="_blank" class="x">web</a> '
        '<a href="mailto:htx@example.vn">mail</a> <a href="/catalogue/">local</a>'
    )
    assert '<a href="https://htx.example.vn/cam" rel="noopener nofollow">web</a>' in cleaned
    assert '<a href="mailto:htx@example.vn" rel="noopener nofollow">mail</a>' in cleaned
    assert '<a rel="noopener nofollow">local</a>' in cleaned
    assert "target" not in cleaned and "class" not in cleaned


def test_unknown_tags_go_but_their_text_stays():
    assert clean_rich_text('<div class="box"><span>Mật ong</span> <table><tr><td>rừng</td></tr></table></div>') == (
        "Mật ong rừng"
    )


def test_scripts_and_styles_go_with_their_content():
    assert clean_rich_text("<p>a</p><script>alert('x')</script><style>p{}</style><p>b</p>") == "<p>a</p><p>b</p>"


def test_plain_text_is_escaped_and_keeps_its_paragraphs():
    assert clean_rich_text("5 < 6 & 7 > 3") == "5 &lt; 6 &amp; 7 &gt; 3"
    assert rich_text_html("Dòng một\nDòng hai\n\nĐoạn hai") == "<p>Dòng một<br>Dòng hai</p>\n\n<p>Đoạn hai</p>"
    assert rich_text_html(clean_rich_text("a < b")) == "<p>a &lt; b</p>"
    assert rich_text_html("Cam <b>bù</b>\nHái tay") == "<p>Cam <b>bù</b><br>Hái tay</p>"
    assert rich_text_html("<p>Một</p>\n<p>Hai</p>") == "<p>Một</p>\n<p>Hai</p>"


def test_empty_values():
    assert clean_rich_text("") == "" and clean_rich_text(None) == ""
    assert rich_text_html(None) == ""


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_filter_cleans_stored_text_again(payload):
    # Text stored before cleaning existed (or written by another path) is still made safe.
    rendered = Template("{% load ocop_richtext %}{{ value|rich_text }}").render(Context({"value": payload}))
    assert not DANGEROUS.search(rendered), rendered


def test_filter_output_is_not_escaped_twice():
    rendered = Template("{% load ocop_richtext %}{{ value|rich_text }}").render(
        Context({"value": "<p><strong>Ngon</strong> &amp; sạch</p>"})
    )
    assert rendered == "<p><strong>Ngon</strong> &amp; sạch</p>"
