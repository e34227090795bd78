"""Output injection: hostile model and article text in every field of a digest and a brief
stays text in HTML, Markdown, Typst/PDF and Slack: no script, markup, Typst code, mention
or non-http(s) link comes out of it, and the text itself is still shown.

Every hostile string (tests/data/injection/hostile_strings.json) is put in every text field
at once: titles, sources, dates, URLs, paragraphs, claims, group and story titles, cited
article ids, findings, duplicate copies, failures, the model name and the period. Each
output is compared with the same digest holding a plain placeholder: the structure must be
the same, only the text differs.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from digests import example_digest
from fakes import FakeLLM
from markdown_it import MarkdownIt
from pypdf import PdfReader

from briefing.brief.summarize import summarize_article
from briefing.ingest import read_source
from briefing.models import (
    ArticleCite,
    Bilingual,
    Brief,
    Copy,
    Digest,
    Duplicate,
    Failure,
    Finding,
    Period,
    Story,
    StoryClaim,
)
from briefing.render.digest_md import render_digest_markdown
from briefing.render.escape import clean, flat, http_url
from briefing.render.html import render_brief_html, render_digest_html
from briefing.render.markdown import render_brief
from briefing.render.pdf import render_digest_pdf
from briefing.slack.split import build_messages

DATA = Path(__file__).parent / "data" / "injection"
HOSTILE: list[str] = json.loads((DATA / "hostile_strings.json").read_text(encoding="utf-8"))
PLACEHOLDER = "plain words"
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
ANCHOR_TAG = re.compile(r'<a id="[a-z][a-z0-9-]*">')


_EXAMPLE = example_digest()


def hostile_digest(s: str) -> Digest:
    """The example digest with `s` as every text that comes from a model or an input."""
    d = _EXAMPLE.model_copy(deep=True)
    for brief in d.briefs:
        a = brief.article
        a.title, a.source, a.published, a.url = s, s, s, s
        a.paragraphs = [s for _ in a.paragraphs]
        brief.title = Bilingual(en=s, zh=s)
        brief.core_viewpoint.en = brief.core_viewpoint.zh = s
        for group in brief.groups:
            group.title = Bilingual(en=s, zh=s)
            for claim in group.claims:
                claim.en = claim.zh = s
        brief.findings = [
            Finding(where="groups[0].claims[0]", kind="empty-text", severity="error", detail=s),
            Finding(where=s, kind="empty-text", severity="error", detail=s),  # unplaced
        ]
        brief.meta.model = s
    story = d.stories[0]
    story.title = Bilingual(en=s, zh=s)
    story.summary.en = story.summary.zh = s
    for claim in story.claims:
        claim.en = claim.zh = s
    story.articles.append(s)  # an article id no brief has
    story.claims.append(StoryClaim(en=s, zh=s, cites=[ArticleCite(article=s, paragraphs=[1])]))
    d.stories.append(
        Story(title=Bilingual(en=s, zh=s), articles=[s], summary=StoryClaim(en=s, zh=s, cites=[]))
    )
    d.duplicates[0].copies = [Copy(input=s, title=s, source=s, published=s, url=s)]
    d.duplicates.append(Duplicate(kept=d.briefs[1].article.id, dropped=[s], similarity=0.9))
    d.failures = [Failure(input=s, error=s)]
    d.meta.model = s
    d.meta.warnings = [s]
    d.period = Period(start=s, end=s)
    return d


def obeying_brief() -> Brief:
    """The brief made from the authored answer that obeys markup-output.txt's injection."""
    article = read_source(str(DATA / "markup-output.txt"))[0]
    answer = json.loads((DATA / f"{article.id}.json").read_text(encoding="utf-8"))
    return summarize_article(article, FakeLLM().enqueue(answer, answer))


def _seen(s: str) -> str:
    """What a reader must see of `s`: cleaned, whitespace runs as one space."""
    return flat(s)


# --- Markdown ---------------------------------------------------------------------------------

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _md_tokens(text: str) -> list[Any]:
    out = []
    for token in MD.parse(text):
        out.append(token)
        out += token.children or []
    return out


def _md_shape(text: str) -> list[tuple[str, str]]:
    shape: list[tuple[str, str]] = []
    for token in _md_tokens(text):
        if token.type == "text" and shape and shape[-1] == ("text", ""):
            continue  # how a text run is split into tokens is not structure
        shape.append((token.type, token.tag))
    return shape


def _md_visible(text: str) -> str:
    return " ".join(t.content for t in _md_tokens(text) if t.type in ("text", "code_inline"))


@cache
def _plain_md_shape(lang: str) -> list[tuple[str, str]]:
    return _md_shape(render_digest_markdown(hostile_digest(PLACEHOLDER), lang))  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["en", "both"])
@pytest.mark.parametrize("s", HOSTILE)
def test_markdown_keeps_its_structure_and_shows_the_text(s: str, lang: str) -> None:
    text = render_digest_markdown(hostile_digest(s), lang)  # type: ignore[arg-type]
    assert _md_shape(text) == _plain_md_shape(lang)
    tokens = _md_tokens(text)
    assert not {t.type for t in tokens} & {"html_block", "image", "fence", "s_open"}
    # The only HTML is our own anchors, the only links go to them (or to an http(s) address).
    html = {t.content for t in tokens if t.type == "html_inline"}
    assert all(ANCHOR_TAG.fullmatch(tag) or tag == "</a>" for tag in html), html
    ids = {m[1] for m in re.finditer(r'<a id="([a-z0-9-]+)"></a>', text)}
    hrefs = [str(t.attrs["href"]) for t in tokens if t.type == "link_open"]
    assert all(h[1:] in ids if h.startswith("#") else http_url(h) for h in hrefs)
    assert _seen(s) in _md_visible(text)  # escaped, not lost
    assert not BIDI.search(text)


def test_markdown_of_an_obeying_answer() -> None:
    brief = obeying_brief()
    for lang in ("en", "zh", "both"):
        text = render_brief(brief, lang)  # type: ignore[arg-type]
        types = {t.type for t in _md_tokens(text)}
        assert not types & {"html_inline", "html_block", "image", "link_open"}
    visible = _md_visible(render_brief(brief, "both"))
    for raw in (
        "<script>alert(document.cookie)</script>",
        "<!channel>",
        "<@U024BE7LH>",
        '#read("/etc/passwd")',
        "](javascript:alert(1))",
        "![](http://evil",
        "<!-- 隐藏 -->",
    ):
        assert raw in visible, raw
    assert "\\<script\\>" in render_brief(brief, "both")


def test_only_http_links_in_markdown() -> None:
    digest = hostile_digest("javascript:alert(1)")
    digest.briefs[0].article.url = "https://www.example.com/a_(1)"
    links = [t for t in _md_tokens(render_digest_markdown(digest)) if t.type == "link_open"]
    external = [t.attrGet("href") for t in links if not str(t.attrGet("href")).startswith("#")]
    # The article's title links to it, in its brief and in the sources; nothing else does.
    assert external == ["https://www.example.com/a_(1)"] * 2


# --- HTML -------------------------------------------------------------------------------------


def _html_shape(doc: Any) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (el.tag if isinstance(el.tag, str) else "comment/pi", tuple(sorted(el.attrib)))
        for el in doc.iter()
    ]


def _html_links_are_safe(doc: Any) -> None:
    ids = set(doc.xpath("//@id"))
    for el in doc.iter():
        if not isinstance(el.tag, str):
            raise AssertionError(f"comment or processing instruction: {el!r}")
        assert el.tag not in {
            "script",
            "iframe",
            "object",
            "embed",
            "img",
            "svg",
            "base",
            "form",
            "link",
            "frame",
            "video",
            "audio",
            "source",
        }, el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            assert name not in ("src", "srcset", "action", "formaction", "data", "xlink:href")
            if name == "href":
                assert value[1:] in ids if value.startswith("#") else http_url(value) == value


@cache
def _plain_html_shape(lang: str) -> list[tuple[str, tuple[str, ...]]]:
    plain = render_digest_html(hostile_digest(PLACEHOLDER), lang)  # type: ignore[arg-type]
    return _html_shape(lxml.html.document_fromstring(plain))


@pytest.mark.parametrize("lang", ["en", "both"])
@pytest.mark.parametrize("s", HOSTILE)
def test_html_keeps_its_structure_and_shows_the_text(s: str, lang: str) -> None:
    html = render_digest_html(hostile_digest(s), lang)  # type: ignore[arg-type]
    doc = lxml.html.document_fromstring(html)
    assert _html_shape(doc) == _plain_html_shape(lang)
    _html_links_are_safe(doc)
    metas = [m.attrib for m in doc.iter("meta")]
    assert any("default-src 'none'" in m.get("content", "") for m in metas)
    assert " ".join(_seen(s).split()) in " ".join(doc.body.text_content().split())
    assert not BIDI.search(html)
    html.encode("utf-8")  # writable: no lone surrogate


def test_html_of_an_obeying_answer() -> None:
    html = render_brief_html(obeying_brief(), "both")
    doc = lxml.html.document_fromstring(html)
    _html_links_are_safe(doc)
    text = doc.body.text_content()
    assert "<script>alert(document.cookie)</script>" in text and "<!-- hidden -->" in text
    assert "&lt;script&gt;" in html


# --- Typst / PDF ------------------------------------------------------------------------------


def _pdf_flat(text: str) -> str:
    # Typst breaks lines and turns quotes typographic; zero-width characters leave no glyph.
    text = re.sub(r"[\s\u200b\u2060]+", "", text)
    return text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))


def test_pdf_compiles_and_shows_every_hostile_text_literally(tmp_path: Path) -> None:
    # One compile ("both": the English and the Chinese template paths) of the whole corpus.
    corpus = " ".join(HOSTILE)
    out = tmp_path / "digest.pdf"
    render_digest_pdf(hostile_digest(corpus), "both", out)
    text = _pdf_flat("".join(page.extract_text() for page in PdfReader(out).pages))
    # The brief title (en), the article title, claims, quoted paragraphs, story texts,
    # findings, failures: each shows the whole corpus as written.
    assert text.count(_pdf_flat(clean(corpus))) >= 10
    assert '#read("/etc/passwd")' in text and "root:" not in text
    assert "#import" in text and "#eval" in text and "#setpage(width:1cm)" in text


def test_pdf_of_an_obeying_answer(tmp_path: Path) -> None:
    digest = example_digest()
    digest.briefs = [obeying_brief()]
    digest.stories, digest.duplicates = [], []
    out = tmp_path / "digest.pdf"
    render_digest_pdf(digest, "both", out)
    text = _pdf_flat("".join(page.extract_text() for page in PdfReader(out).pages))
    assert _pdf_flat('#read("/etc/passwd") <!-- hidden -->') in text
    assert _pdf_flat("<script>alert(document.cookie)</script>") in text
    assert "root:" not in text


# --- Slack ------------------------------------------------------------------------------------

_OUR_LINK = re.compile(r"<(https?://[^|<>]+)\|[^<>]*>")
_BROADCAST = re.compile(r"(?<![\w\u2060])@(?:channel|here|everyone)\b", re.IGNORECASE)


def _texts(node: Any, kind: str | None = None) -> list[tuple[str, str]]:
    """Every (type, text) of the text objects in a payload."""
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if not isinstance(node, dict):
        return []
    found = []
    if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
        found.append((node["type"], node["text"]))
    for value in node.values():
        if isinstance(value, dict | list):
            found += _texts(value)
    return found


def _slack_is_inert(doc: Brief | Digest, lang: str) -> str:
    shown = []
    for message in build_messages(doc, lang):  # type: ignore[arg-type]
        payload = message.payload()
        dumped = json.dumps(payload, ensure_ascii=False)
        assert not BIDI.search(dumped)
        for kind, text in [("mrkdwn", payload["text"]), *_texts(payload["blocks"])]:
            assert not _BROADCAST.search(text), text
            if kind == "plain_text":  # a header: `<` is shown as is, never read as control
                assert not re.search("<(?!\u2060)\\S", text), text
                continue
            for url in _OUR_LINK.findall(text):
                assert http_url(url.replace("&amp;", "&")) is not None, url
            rest = _OUR_LINK.sub("", text)
            assert "<" not in rest and ">" not in rest, text
            assert not re.search(r"&(?!amp;|lt;|gt;)", rest), text
            shown.append(text)
    return "\n".join(shown)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.mark.parametrize("s", HOSTILE)
def test_slack_payloads_carry_no_control_sequence(s: str) -> None:
    shown = _slack_is_inert(hostile_digest(s), "both")
    if not set(s) & set("*_~`@"):  # those marks are swapped for look-alikes, on purpose
        assert _seen(s) in _unescape(shown)


def test_slack_of_an_obeying_answer() -> None:
    brief = obeying_brief()
    for lang in ("en", "zh", "both"):
        shown = _slack_is_inert(brief, lang)
        assert "&lt;!channel&gt;" in shown and "&lt;@U024BE7LH&gt;" in shown


def test_slack_links_only_to_http_addresses() -> None:
    digest = hostile_digest("javascript:alert(1)")
    digest.briefs[0].article.url = "https://www.example.com/a?b=1&c=2|3"
    messages = build_messages(digest, "en")
    links = [
        u for m in messages for _, t in _texts(m.payload()["blocks"]) for u in _OUR_LINK.findall(t)
    ]
    assert links and set(links) == {"https://www.example.com/a?b=1&amp;c=2%7C3"}
