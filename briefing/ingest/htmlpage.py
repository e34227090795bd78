"""HTML pages to Articles: decode, parse, find body and metadata, fall back to trafilatura."""

from __future__ import annotations

import logging
import re

import lxml.html
import trafilatura
from lxml.etree import ParserError
from lxml.html import HtmlElement

from briefing.errors import InputError
from briefing.ingest.article import ANSI_ESCAPE, clean_text, make_article
from briefing.ingest.boilerplate import is_boilerplate, strip_edges
from briefing.ingest.encoding import decode_html
from briefing.ingest.htmlbody import find_container, prepare_tree, read_paragraphs
from briefing.ingest.htmlmeta import (
    canonical_url,
    comparable,
    find_headline,
    header_zone,
    meta_date,
    printed_date,
    site_name,
)
from briefing.models import Article

# trafilatura logs an ERROR for each page it finds nothing in ("empty HTML tree"), an outcome
# briefing reports itself with a hint; printed by the CLI's log handler, those lines would come
# before our error and read as a crash. Only its critical records get through (-vv may lower it).
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# Less body text than this is a page without an article (an index, an error page).
MIN_BODY_CHARS = 50
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# Controls other than tab/newline/CR, and lone surrogates, are not allowed in lxml's input.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# libxml2 stops reading a page nested deeper than 256 elements (2048 with huge_tree) and
# drops the rest. A page nested deeper than that is read again without the tags that only
# lay out or style text, which are what nests in such pages (unclosed <div>, <font>, <b>).
MAX_DEPTH = 2048
_LAYOUT_BLOCK = re.compile(
    r"</?(?:div|section|article|main|aside|header|footer|nav|center|blockquote|table|tbody|"
    r"thead|tfoot|tr|td|th|ul|ol|li|dl|dt|dd|figure|form)\b[^<>]*>",
    re.I,
)
_LAYOUT_INLINE = re.compile(
    r"</?(?:span|font|b|i|u|s|em|strong|small|big|sub|sup|a|label|abbr|cite|q)\b[^<>]*>", re.I
)

# libxml2 checks each attribute of a tag against those before it: a tag with 100,000
# attributes takes 20 seconds to parse. A tag with more than this many loses them all.
MAX_ATTRIBUTES = 200
_LONG_TAG = re.compile(rf"<([A-Za-z][\w:-]{{0,40}})(\s[^<>]{{{2 * MAX_ATTRIBUTES},}})>")
_ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]*))?""")


def _cap_attributes(html: str) -> str:
    def cap(tag: re.Match[str]) -> str:
        many = len(_ATTRIBUTE.findall(tag[2])) > MAX_ATTRIBUTES
        return f"<{tag[1]}>" if many else tag[0]

    return _LONG_TAG.sub(cap, html)


def _parse_once(html: str, name: str) -> tuple[HtmlElement, bool]:
    """The page's tree, and whether the parser stopped at its depth limit."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (ParserError, ValueError) as err:
        if "empty" in str(err).lower():
            raise InputError(
                f"{name} holds no HTML elements (only whitespace, comments or a doctype).",
                "Give the page that holds the article, saved from the browser.",
            ) from None
        raise InputError(
            f"{name} could not be parsed as HTML ({err}).",
            "Check that the file is an HTML page; save the page again from the browser.",
        ) from None
    too_deep = any("depth" in entry.message.lower() for entry in parser.error_log)
    _drop_controls(root)
    return root, too_deep


def _drop_controls(root: HtmlElement) -> None:
    """Remove the control characters character references put in the text (&#x1b;): lxml
    refuses to set such text, which removing an element next to it does (drop_tree)."""
    for el in root.iter():
        if el.text and _CONTROLS.search(el.text):
            el.text = _without_controls(el.text)
        if el.tail and _CONTROLS.search(el.tail):
            el.tail = _without_controls(el.tail)


def _without_controls(text: str) -> str:
    # A terminal escape sequence goes whole, so no "[31m" is left of ESC [ 31 m.
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = ANSI_ESCAPE.sub("", text)
    return _CONTROLS.sub("", text)


def _parse(html: str, name: str) -> tuple[HtmlElement, str]:
    """The tree of a page and the HTML it was read from (flattened if it nests too deep)."""
    html = _cap_attributes(_without_controls(_XML_DECLARATION.sub("", html)))
    root, too_deep = _parse_once(html, name)
    if too_deep:
        html = _LAYOUT_INLINE.sub("", _LAYOUT_BLOCK.sub("\n", html))
        root, too_deep = _parse_once(html, name)
    if too_deep:
        raise InputError(
            f"{name} nests its elements more than {MAX_DEPTH:,} levels deep, deeper than the "
            "HTML parser reads.",
            "Open the page in a browser, copy the article text into a .txt file and read that.",
        )
    return root, html


def _trafilatura_paragraphs(html: str) -> list[str]:
    # Only a fallback for pages where no paragraph container is found: on the NetEase page
    # of the test set trafilatura returns the reader comments instead of the article.
    text = trafilatura.extract(
        html,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
    )
    lines = [clean_text(line) for line in (text or "").split("\n")]
    return strip_edges([line for line in lines if line and not is_boilerplate(line)])


def _chars(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs)


def parse_html_text(html: str, *, name: str = "the page", url: str | None = None) -> Article:
    """An Article from decoded HTML; `url` is where the page was fetched from, if anywhere."""
    root, html = _parse(html, name)
    prepare_tree(root)
    headline, heading = find_headline(root)
    container = find_container(root)
    paragraphs = read_paragraphs(container) if container is not None else []
    if _chars(paragraphs) < MIN_BODY_CHARS:
        paragraphs = _trafilatura_paragraphs(html)
    if headline and paragraphs and comparable(paragraphs[0]) == comparable(headline):
        # The container held the headline: what follows it may be a dateline to strip.
        paragraphs = strip_edges(paragraphs[1:])
    if _chars(paragraphs) < MIN_BODY_CHARS:
        raise InputError(
            f"No article body found in {name}: it has less than {MIN_BODY_CHARS} characters of "
            "paragraph text (an index page, a login wall or a page built by JavaScript?).",
            "Open the page in a browser, copy the article text into a .txt file and read that.",
        )
    zone = header_zone(root, heading, container) if heading is not None else ""
    published = printed_date(zone) or meta_date(root)
    source = site_name(root, zone)
    if not published or not source:
        meta = trafilatura.extract_metadata(html)
        published = published or (meta.date if meta else None)
        if not source and meta and meta.sitename and "版权" not in meta.sitename:
            source = meta.sitename
    return make_article(
        title=headline,
        paragraphs=paragraphs,
        source=source,
        published=published,
        url=canonical_url(root, url) or url,
    )


def parse_html(
    data: bytes, *, name: str = "the page", url: str | None = None, charset: str | None = None
) -> Article:
    """An Article from HTML bytes, decoded with `charset` (an HTTP header) or the page's own."""
    return parse_html_text(decode_html(data, charset, name=name), name=name, url=url)
