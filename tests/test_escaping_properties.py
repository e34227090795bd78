"""Properties of the escaping functions on arbitrary text (hypothesis): no exception, and the
text comes out as text: the Markdown, HTML and Slack forms show exactly what went in (on one
line where the output kind needs it), Typst compiles it, only http(s) addresses pass.

Deterministic (derandomize, no example database) and kept to a few seconds.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import typst
from digests import example_digest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pypdf import PdfReader

from briefing.models import Brief
from briefing.render.escape import clean, flat, http_url, md_escape, typst_escape, typst_str
from briefing.render.html import render_brief_html
from briefing.render.pdf import font_dir
from briefing.slack import mrkdwn as md

FAST = settings(max_examples=150, derandomize=True, database=None, deadline=None)
SLOW = settings(max_examples=8, derandomize=True, database=None, deadline=None)

# Pieces an attacker would use, mixed with arbitrary characters (surrogates and controls too).
FRAGMENTS = [
    "<",
    ">",
    "&",
    "*",
    "_",
    "~",
    "`",
    "[",
    "]",
    "(",
    ")",
    "#",
    "!",
    "|",
    "\\",
    "$",
    "@",
    "{",
    "}",
    "=",
    "+",
    "-",
    ".",
    ":",
    "/",
    '"',
    "'",
    "\n",
    "\r",
    "\t",
    " ",
    "1.",
    "1)",
    "~~~",
    "```",
    "---",
    "<!channel>",
    "<!here>",
    "<@U1>",
    "<#C1>",
    "<!subteam^S1>",
    "@channel",
    "@here",
    "@everyone",
    "javascript:",
    "http://",
    "https://x.example/",
    "data:",
    "&lt;",
    "&#x3C;",
    "&amp;",
    '#read("/etc/passwd")',
    "#eval(",
    "//",
    "/*",
    "<!--",
    "<script>",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u2060",
    "\u2028",
    "\x00",
    "\x1b",
    "\x85",
    "\ud800",
    "中文",
]
CHARS = st.characters(exclude_categories=())  # every category, surrogates included
TEXT = st.lists(st.one_of(st.text(CHARS, max_size=4), st.sampled_from(FRAGMENTS)), max_size=12).map(
    "".join
)
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def test_the_fragments_reach_the_properties() -> None:
    # The strategy must be able to produce what the properties are about.
    assert {"<!channel>", "\ud800", "\u202e", "~~~"} <= set(FRAGMENTS)


# --- clean / flat -----------------------------------------------------------------------------


@FAST
@given(TEXT)
def test_flat_is_one_clean_line(text: str) -> None:
    out = flat(text)
    assert "\n" not in out and "\r" not in out and out == out.strip()
    assert not BIDI.search(out)
    out.encode("utf-8")  # no lone surrogate: every writer accepts it
    assert flat(out) == out and clean(clean(text)) == clean(text)


# --- Markdown ---------------------------------------------------------------------------------

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@FAST
@given(TEXT)
def test_md_escape_shows_exactly_the_text_and_nothing_else(text: str) -> None:
    escaped = md_escape(text)
    assert "\n" not in escaped
    tokens = MD.parse(escaped)
    if not flat(text):
        assert tokens == []
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = tokens[1].children or []
    assert {c.type for c in children} == {"text"}
    assert "".join(c.content for c in children) == flat(text)


# --- Typst ------------------------------------------------------------------------------------

_TYPST_SPECIAL = set("\\#[]*_`$<>@~/=+-.")


@FAST
@given(TEXT)
def test_typst_escape_leaves_no_special_character_unescaped(text: str) -> None:
    escaped = typst_escape(text)
    assert "\n" not in escaped
    assert not set(re.sub(r"\\.", "", escaped)) & _TYPST_SPECIAL


def _compile(source: str) -> str:
    pdf = typst.compile(
        source.encode("utf-8"), font_paths=[str(font_dir())], ignore_system_fonts=True
    )
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@SLOW
@given(st.lists(TEXT, min_size=10, max_size=20))
def test_typst_escaped_text_compiles_in_content_blocks_and_strings(texts: list[str]) -> None:
    # One document per example, many texts in it: in content blocks and as string literals.
    body = "\n".join(
        f"#block[{typst_escape(t)}] #text(fill: red)[*{typst_escape(t)}*]"
        f" #link({typst_str('https://x.example/' + t)})[x] #let s{i} = {typst_str(t)}"
        for i, t in enumerate(texts)
    )
    _compile(f"#set document(title: {typst_str(texts[0])})\n{body}")


@SLOW
@given(
    st.lists(
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30),
        min_size=5,
        max_size=10,
    )
)
def test_typst_shows_printable_ascii_as_written(texts: list[str]) -> None:
    shown = _compile("\n\n".join(f"#block[{typst_escape(t)}]" for t in texts))
    # Typst sets quotes typographically: curly, or primes after a digit (5' 3").
    quotes = str.maketrans({"“": '"', "”": '"', "″": '"', "‘": "'", "’": "'", "′": "'"})
    assert re.sub(r"\s", "", shown).translate(quotes) == "".join(texts)


# --- http_url ---------------------------------------------------------------------------------

_URL_FORBIDDEN = re.compile(f"[\\s<>\"'`\\\\\x00-\x1f\x7f-\x9f{BIDI.pattern[1:-1]}]")


@FAST
@given(
    st.one_of(
        TEXT,
        st.builds(
            "{}{}".format,
            st.sampled_from(["http://", "HTTPS://", "javascript:", " https://"]),
            TEXT,
        ),
    )
)
def test_http_url_passes_only_plain_http_addresses(text: str) -> None:
    url = http_url(text)
    if url is None:
        return
    assert url.lower().startswith(("http://", "https://"))
    assert not _URL_FORBIDDEN.search(url)
    assert http_url(url) == url


@FAST
@given(
    st.from_regex(
        r"https?://[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?(/[A-Za-z0-9._~%/?=&-]*)?", fullmatch=True
    )
)
def test_http_url_keeps_ordinary_addresses(url: str) -> None:
    assert http_url(url) == url


# --- HTML (autoescape after the template's finalize) ------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple[str, tuple[str, ...]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shape.append((tag, tuple(sorted(name for name, _ in attrs))))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.shape.append(("!--", ()))


def _page(brief: Brief) -> _Page:
    page = _Page()
    page.feed(render_brief_html(brief, "both"))
    page.close()
    return page


_BRIEF = example_digest().briefs[0]


def _with(text: str) -> Brief:
    brief = _BRIEF.model_copy(deep=True)
    brief.title.en = brief.core_viewpoint.zh = brief.article.paragraphs[1] = text
    brief.groups[0].claims[0].en = brief.article.source = text
    return brief


_PLAIN_SHAPE = _page(_with("plain words")).shape


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(TEXT)
def test_html_shows_exactly_the_text_and_no_markup(text: str) -> None:
    page = _page(_with(text))
    assert page.shape == _PLAIN_SHAPE  # no element, attribute or comment from the text
    shown = " ".join("".join(page.text).split())
    assert " ".join(clean(text).split()) in shown


# --- Slack ------------------------------------------------------------------------------------

_BROADCAST = re.compile(r"(?<![\w\u2060])@(?:channel|here|everyone)\b", re.IGNORECASE)
_UNLOOK = str.maketrans({"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`"})


def _unslack(text: str) -> str:
    text = text.replace("@\u2060", "@").translate(_UNLOOK)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@FAST
@given(TEXT)
def test_slack_text_has_no_control_sequence_and_shows_the_text(text: str) -> None:
    out = md.text(text)
    assert "\n" not in out and not BIDI.search(out)
    assert "<" not in out and ">" not in out and not set(out) & set("*_~`")
    assert not re.search(r"&(?!amp;|lt;|gt;)", out)
    assert not _BROADCAST.search(out)
    if not set(text) & set("\u2217\u02cd\u223c\u02cb\u2060"):  # look-alikes already in it
        assert _unslack(out) == flat(text)


@FAST
@given(TEXT)
def test_slack_plain_text_has_no_control_sequence(text: str) -> None:
    out = md.plain(text)
    assert "\n" not in out and not BIDI.search(out)
    assert not re.search("<(?!\u2060)\\S", out) and not _BROADCAST.search(out)
    assert out.replace("\u2060", "") == flat(text).replace("\u2060", "")  # only joiners added


_LINK = re.compile(r"<(https?://[^|<>]+)\|([^|<>]*)>")


@FAST
@given(st.one_of(TEXT, st.builds("https://x.example/{}".format, TEXT)), TEXT)
def test_slack_link_is_one_http_link_or_inert_text(url: str, label: str) -> None:
    out = md.link(url, label)
    assert not _BROADCAST.search(out)
    if "<" not in out:
        assert out == md.text(label)
        return
    link = _LINK.fullmatch(out)
    assert link is not None, out
    assert http_url(link[1].replace("&amp;", "&").replace("%7C", "|")) is not None
