"""Metadata of a news page: headline, publication time, site name, canonical URL."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

from lxml import etree
from lxml.html import HtmlElement

from briefing.ingest.article import clean_text
from briefing.ingest.dates import find_dates, normalise_published

# Separators between a headline and the site name in <title>: "标题_网易财经", "标题|观察者网",
# "Headline - Site". A hyphen needs spaces around it so "COVID-19" is not cut.
_TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s)\s*")
# A trailing part of <title> this short is a site or channel name, not part of the headline.
SITE_PART_MAX_CHARS = 25
MIN_HEADING_CHARS = 4
# How much text after the headline is searched for the printed publication time.
HEADER_ZONE_CHARS = 600
_UPDATE_WORDS = re.compile(r"更新|修改|修订|update", re.I)
_SOURCE_LABEL = re.compile(r"来源\s*[:：]\s*([^\s|｜,，]{2,30})")
# <meta> names of the publication time, most specific first.
_DATE_METAS = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "publishdate", "publish_date", "pubdate", "datepublished", "weibo: article:create_at",
    "dc.date.issued", "dc.date", "date",
)  # fmt: skip
_QUOTES = str.maketrans("“”‘’「」『』", '""\'\'""""')


def _meta(root: HtmlElement, *names: str) -> str | None:
    wanted = {n.lower() for n in names}
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = clean_text(el.get("content") or "")
        if key in wanted and content and key not in found:
            found[key] = content
    for name in names:
        if name.lower() in found:
            return found[name.lower()]
    return None


def comparable(text: str) -> str:
    """`text` without whitespace and with curly and corner quotes made straight, for matching."""
    return re.sub(r"\s+", "", text).translate(_QUOTES)


def strip_site_suffix(title: str) -> str:
    """`title` without trailing short parts after a separator ("标题_网易财经" -> "标题")."""
    cut = len(title)
    for match in reversed(list(_TITLE_SEPARATOR.finditer(title))):
        if len(title[match.end() : cut].strip()) > SITE_PART_MAX_CHARS:
            break
        cut = match.start()
    return title[:cut].strip() or title


def title_suffix(title: str) -> str | None:
    """The last short part of <title> after a separator: usually the site's name."""
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) > 1 and 0 < len(parts[-1].strip()) <= SITE_PART_MAX_CHARS:
        return parts[-1].strip()
    return None


def page_title(root: HtmlElement) -> str:
    """The text of <title>, or an empty string."""
    el = root.find(".//title")
    return clean_text(el.text_content()) if el is not None else ""


def find_headline(root: HtmlElement) -> tuple[str | None, HtmlElement | None]:
    """The headline and the heading element that shows it (None when no heading matches).

    The headline is the longest <h1>-<h3> that <title> starts with (a page's other headings
    are channel names or section titles); else og:title; else <title> without its suffix.
    """
    title = page_title(root)
    og = _meta(root, "og:title", "twitter:title", "title")
    target = comparable(title or og or "")
    best: tuple[str | None, HtmlElement | None] = (None, None)
    # A heading with more text than the title, layout whitespace aside, cannot be its start;
    # reading no further keeps headings nested in headings (broken pages) from costing n².
    limit = 2 * len(target) + 200
    for el in root.iter("h1", "h2", "h3") if target else ():
        text = clean_text(_text_up_to(el, limit))
        if len(text) < MIN_HEADING_CHARS or not target.startswith(comparable(text)):
            continue
        if best[0] is None or len(text) > len(best[0]):
            best = (text, el)
    if best[0]:
        return best
    if og and len(og) >= MIN_HEADING_CHARS:
        return strip_site_suffix(og), None
    if title:
        return strip_site_suffix(title), None
    first_h1 = next((h for h in root.iter("h1") if clean_text(h.text_content())), None)
    return (clean_text(first_h1.text_content()), first_h1) if first_h1 is not None else (None, None)


def _text_up_to(el: HtmlElement, limit: int) -> str:
    """The text of `el`, or "" when it is longer than `limit` characters."""
    pieces, size = [], 0
    for piece in el.itertext():
        size += len(piece)
        if size > limit:
            return ""
        pieces.append(piece)
    return "".join(pieces)


def header_zone(root: HtmlElement, heading: HtmlElement, body: HtmlElement | None) -> str:
    """The text printed after the headline and before the body: byline, time, source."""
    pieces: list[str] = []
    size, started = 0, False
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            if el is body and started:
                break
            text = el.text if started else None
        else:
            started = started or el is heading
            text = el.tail if started else None
        if text and text.strip():
            pieces.append(text)
            size += len(text.strip())
            if size > HEADER_ZONE_CHARS:
                break
    return clean_text(" ".join(pieces))


def printed_date(zone: str) -> str | None:
    """The first date in the header zone that is not labelled as an update time."""
    for iso, before in find_dates(zone):
        if not _UPDATE_WORDS.search(before):
            return iso
    return None


def meta_date(root: HtmlElement) -> str | None:
    """The publication time from <meta> tags or a <time datetime> element."""
    value = _meta(root, *_DATE_METAS)
    if value and (iso := normalise_published(value)):
        return iso
    for el in root.iter("time"):
        iso = normalise_published(el.get("datetime") or el.text_content())
        if iso:
            return iso
    return None


def site_name(root: HtmlElement, zone: str) -> str | None:
    """The publishing site: og:site_name, else the <title> suffix, else a "来源：" label."""
    named = _meta(root, "og:site_name", "application-name")
    if named:
        return named
    suffix = title_suffix(page_title(root))
    if suffix:
        return suffix
    label = _SOURCE_LABEL.search(zone)
    return label.group(1) if label else None


def canonical_url(root: HtmlElement, base: str | None) -> str | None:
    """The page's canonical URL (<link rel=canonical>, og:url), absolute, or None."""
    for el in root.iter("link"):
        href = str(el.get("href") or "").strip()
        if "canonical" in str(el.get("rel") or "").lower().split() and href:
            candidate = urljoin(base or "", href)
            if urlparse(candidate).scheme in ("http", "https"):
                return candidate
    og = _meta(root, "og:url")
    if og and urlparse(og).scheme in ("http", "https"):
        return og
    return None
