"""HTML pages to Articles: decode, parse, find body and metadata, fall back to trafilatura."""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml.etree import ParserError
from lxml.html import HtmlElement

from briefing.errors import InputError
from briefing.ingest.article import clean_text, make_article
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

# Less body text than this is a page without an article (an index, an error page).
MIN_BODY_CHARS = 50
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# Controls other than tab/newline/CR are not allowed in lxml's input.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _parse(html: str, name: str) -> HtmlElement:
    html = _CONTROLS.sub("", _XML_DECLARATION.sub("", html))
    try:
        return lxml.html.document_fromstring(html)
    except (ParserError, ValueError) as err:
        raise InputError(
            f"{name} could not be parsed as HTML ({err}).",
            "Check that the file is an HTML page; save the page again from the browser.",
        ) from None


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
    root = _parse(html, name)
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
