"""Properties of ingest and number parsing on generated inputs (hypothesis).

Ingest: any bytes, text, HTML-ish markup, JSON value or feed gives Articles or an
InputError, never another exception; an Article's title and paragraphs are never empty and
never hold control, zero-width or format characters. Numbers: any text extracts without an
exception; an amount written with 万/亿, thousands separators, full-width digits or as a range
reads back as its value.

`derandomize=True`: the examples are the same on every run, so a failure here is a bug to
fix, not noise; the examples are few so the file runs in a few seconds.
"""

from __future__ import annotations

import io
import json
import unicodedata
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import InputError
from briefing.grounding import agree, extract_quantities, supports
from briefing.ingest import decode_bytes, make_article, read_source
from briefing.ingest.collect import collect
from briefing.ingest.htmlpage import parse_html
from briefing.ingest.jsonfile import jsonl_items
from briefing.models import Article

D = Decimal
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# Characters an Article never holds: controls, format characters (zero-width, BOM, bidi
# overrides), lone surrogates, unassigned code points.
FORBIDDEN = frozenset({"Cc", "Cf", "Cs", "Cn"})

# Text with what hostile inputs hold: Chinese, markup characters, invisible and control
# characters, terminal escapes, line breaks of every kind.
JUNK = [
    "\u200b", "\u200d", "\ufeff", "\u202e", "\u2066", "\u00ad", "\u3000", "\xa0", "\x00",
    "\x07", "\x1b", "\x1b[31m", "\x1b]0;t\x07", "\x9b", "\x85", "\u2028", "\r\n", "\r", "\n",
    "\n\n", "\t", "\ud800", "\ufffd",
]  # fmt: skip
MARKUP = ["<", ">", "&", "#", "*", "[", "]", "(", ")", "{", "}", '"', ":", "·", "|"]
CHINESE = list("稀土管理条例国务院公布施行。，！？“”（）《》") + ["2025-10-25 12:49", "第1条"]
hostile_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(JUNK + MARKUP + CHINESE),
        st.text(alphabet="稀土管理条例国务院公布施行", min_size=5, max_size=30),
    ),
    max_size=50,
).map("".join)


def assert_clean(article: Article) -> None:
    """The invariants every Article keeps, whatever it was read from."""
    for text in [article.title, *article.paragraphs]:
        assert text and text == text.strip(), repr(text)
        assert "  " not in text and "\n" not in text, repr(text)
        bad = [ch for ch in text if unicodedata.category(ch) in FORBIDDEN]
        assert not bad, (bad, text)
    assert article.paragraphs
    assert len(article.title) <= 300


def articles_or_input_error(read) -> list[Article]:
    """What `read()` returns, checked; [] when it raised InputError (with a hint)."""
    try:
        articles = read()
    except InputError as err:
        assert err.message and err.hint
        return []
    for article in articles:
        assert_clean(article)
    return articles


# --- Bytes and text -------------------------------------------------------------------------

chinese_line = st.text(alphabet="稀土管理条例国务院总理签署公布施行资源保护原则。，", max_size=40)
encoded_parts = st.lists(
    st.one_of(
        st.binary(max_size=40),
        chinese_line.map(lambda t: t.encode("utf-8")),
        chinese_line.map(lambda t: t.encode("gbk")),
        chinese_line.map(lambda t: t.encode("big5", "ignore")),
        st.sampled_from([b"\n", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\x1b[0m", b"\r\n"]),
    ),
    max_size=12,
).map(b"".join)


@PROPERTY
@given(encoded_parts)
def test_decode_bytes_gives_text_that_can_be_written_or_an_input_error(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except InputError as err:
        assert err.hint
        return
    text.encode("utf-8")  # never a lone surrogate: the text can be printed and stored


@PROPERTY
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])))
def test_utf8_text_decodes_to_itself(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == text.removeprefix("\ufeff")


@PROPERTY
@given(st.lists(chinese_line.filter(lambda t: len(t) >= 4), min_size=1, max_size=5))
def test_gbk_text_decodes_to_itself(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert decode_bytes(text.encode("gbk")) == text


@PROPERTY
@given(encoded_parts)
def test_read_source_on_any_bytes(data: bytes) -> None:
    articles_or_input_error(lambda: read_source("-", stdin=io.BytesIO(data)))


@PROPERTY
@given(hostile_text)
def test_read_source_on_any_text(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate as the bytes a file has
    articles_or_input_error(lambda: read_source("-", stdin=io.BytesIO(data)))


@PROPERTY
@given(
    title=hostile_text,
    paragraphs=st.lists(st.one_of(hostile_text, st.integers(), st.floats(), st.none())),
)
def test_make_article_on_any_parts(title: str, paragraphs: list[object]) -> None:
    articles_or_input_error(lambda: [make_article(title=title, paragraphs=paragraphs)])


# --- HTML -----------------------------------------------------------------------------------

TAGS = [
    "<p>", "</p>", "<div>", "</div>", "<div class='share'>", "<br>", "<br/>", "<h1>", "</h1>",
    "<h2>", "<title>", "</title>", "<script>", "</script>", "<style>", "</style>",
    "<a href='/x'>", "</a>", "<img src=x>", "<figcaption>", "<!--", "-->", "<![CDATA[", "]]>",
    "<?xml version='1.0'?>", "<!DOCTYPE html>", "<meta charset='gbk'>",
    "<meta property='og:title' content='稀土'>", "<time datetime='2025-10-25'>", "&amp;",
    "&#0;", "&#x1b;", "&#x202e;", "&#xd800;", "&nbsp;", "<table><tr><td>", "<span>", "<b>",
    "<html>", "<body>", "</body>", "<p <p>", "</", "<",
]  # fmt: skip
html_ish = st.lists(st.one_of(st.sampled_from(TAGS), hostile_text), max_size=30).map("".join)


@PROPERTY
@given(html_ish)
def test_parse_html_on_any_markup(html: str) -> None:
    data = html.encode("utf-8", "surrogatepass")
    articles_or_input_error(lambda: [parse_html(data)])


@PROPERTY
@given(st.integers(min_value=1, max_value=3000), st.sampled_from(["div", "span", "b", "td"]))
def test_nesting_never_loses_the_body(depth: int, tag: str) -> None:
    body = "<p>" + "稀土管理条例由国务院总理签署公布，自公布之日起施行。" * 3 + "</p>"
    html = f"<{tag}>" * depth + body + f"</{tag}>" * (depth // 2)
    assert parse_html(html.encode()).paragraphs == [body[3:-4]]


# --- JSON and feeds -------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ["title", "text", "paragraphs", "source", "url", "published", "body"]
                ),
                hostile_text,
            ),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=12,
)


@PROPERTY
@given(json_values)
def test_a_json_file_of_any_value(tmp_path_factory, value: object) -> None:
    path = Path(tmp_path_factory.mktemp("json")) / "a.json"
    path.write_text(json.dumps(value), "utf-8")
    articles_or_input_error(lambda: read_source(str(path)))


@PROPERTY
@given(st.lists(st.one_of(json_values.map(json.dumps), hostile_text), max_size=6))
def test_every_line_of_a_feed_is_an_article_or_its_error(lines: list[str]) -> None:
    for where, item in jsonl_items("\n".join(lines), "feed.jsonl"):
        assert where.startswith("line ") and where.endswith(" of feed.jsonl")
        if isinstance(item, InputError):
            assert item.message.startswith(where)
        else:
            assert_clean(item)


@PROPERTY
@given(st.lists(st.one_of(encoded_parts, json_values.map(lambda v: json.dumps(v).encode()))))
def test_a_weekly_feed_of_any_lines(tmp_path_factory, lines: list[bytes]) -> None:
    path = Path(tmp_path_factory.mktemp("feed")) / "feed.jsonl"
    path.write_bytes(b"\n".join(lines))
    items = collect([str(path)], max_bytes=200)
    assert items and all((item.article is None) != (item.error is None) for item in items)
    for item in items:
        json.dumps(item.model_dump())  # names and errors can be written out
        if item.article is not None:
            assert_clean(item.article)


# --- Numbers --------------------------------------------------------------------------------

NUMBERISH = st.lists(
    st.one_of(
        st.sampled_from(
            list("0123456789０１２３４５６７８９,.%％-~ 万亿千百十零一二两三四五六七八九约近超多余")
            + ["billion", "million", "percent", "百分之", "至", "第", "年", "月", "日", "about "]
        ),
        hostile_text,
    ),
    max_size=30,
).map("".join)


@PROPERTY
@given(NUMBERISH)
def test_extraction_on_any_text_and_every_quantity_supports_itself(text: str) -> None:
    for broad in (False, True):
        for q in extract_quantities(text, broad=broad):
            assert q.text and q.text in text
            assert q.value.is_finite()
            assert supports(q, q) and agree(q, q)


@PROPERTY
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9999))
def test_yi_and_wan_together_read_back(yi: int, wan: int) -> None:
    (q,) = extract_quantities(f"总额{yi}亿{wan}万元")
    assert q.value == yi * 10**8 + wan * 10**4


@PROPERTY
@given(st.integers(min_value=1, max_value=10**11 - 1), st.integers(min_value=0, max_value=99))
def test_thousands_separators_and_decimals_read_back(n: int, cents: int) -> None:
    (q,) = extract_quantities(f"a total of {n:,}.{cents:02d} yuan")
    assert q.value == n + D(cents) / 100


@PROPERTY
@given(st.integers(min_value=1, max_value=10**8), st.sampled_from(["", "万", "亿", "%"]))
def test_full_width_digits_read_as_ascii_digits(n: int, unit: str) -> None:
    full = str(n).translate(str.maketrans("0123456789%", "０１２３４５６７８９％"))
    (ascii_q,) = extract_quantities(f"共计{n}{unit}吨")
    (full_q,) = extract_quantities(f"共计{full}{unit}吨")
    assert full_q.value == ascii_q.value and full_q.kind == ascii_q.kind
    assert full_q.text.startswith(full[0])  # the text as written


@PROPERTY
@given(st.integers(min_value=1, max_value=998), st.sampled_from(["亿", "万", "%"]))
def test_a_range_carries_its_unit_to_both_ends(low: int, unit: str) -> None:
    high = low + 1
    first, second = extract_quantities(f"投资{low}至{high}{unit}")
    scale = {"亿": 10**8, "万": 10**4, "%": 1}[unit]
    assert (first.value, second.value) == (low * scale, high * scale)
    assert first.kind == second.kind
