"""The glossary in a weekly digest, run as a user runs it: `briefing weekly` in a subprocess
over real CCTV articles of tests/data against the stand-in server, which serves the authored
answers of examples/answers/ (written by hand, not model output), one of them edited to render
a glossary term otherwise.

The story synthesis is held to the glossary as briefs are (`glossary-term` in the story's
findings); the digest's Markdown, HTML and PDF show a Terms section with the terms rendered
otherwise, only when a glossary was in use.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES
from pypdf import PdfReader
from support.llm_server import SeenRequest, StandIn, answer_book

from briefing.digest.period import Window
from briefing.digest.prepare import prepare
from briefing.glossary import starter_glossary_path
from briefing.models import Digest
from briefing.render.digest_md import render_digest_markdown
from briefing.render.html import render_digest_html
from briefing.render.pdf import digest_typst, render_digest_pdf

DATA = Path(__file__).parent / "data" / "articles"
# One story of four articles: the China-US talks from Geneva to Kuala Lumpur.
STORY = [str(DATA / f"{n}.json") for n in ("03", "06", "07", "34")]
BRIEFING = str(Path(sys.executable).parent / "briefing")
TALKS = "02b2306466b4"  # cctv-03, the story's first member (its request's marker)


def briefing(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": "sk-test"}
    return subprocess.run(
        [BRIEFING, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _text(name: str, edit: tuple[str, str] | None) -> str:
    text = (EXAMPLES / "answers" / f"{name}.json").read_text("utf-8")
    if edit is not None:
        assert edit[0] in text
        text = text.replace(*edit)
    return text


def book(edits: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """Marker → authored answer for the four articles and their story; `edits`: name →
    (old, new) applied to that answer."""
    edits = edits or {}
    prepared = prepare(STORY, Window())
    assert prepared.stories == [[TALKS, "48f9245b85e3", "80cb8f8d71c4", "9cc293e49af9"]]
    entries = {f"[1] {a.paragraphs[0]}": _text(a.id, edits.get(a.id)) for a in prepared.articles}
    entries[f"## Article {TALKS}\n"] = _text(f"story-{TALKS}", edits.get(f"story-{TALKS}"))
    return entries


def weekly(
    out: Path,
    entries: dict[str, str],
    *extra: str,
    formats: str = "json",
    inputs: list[str] = STORY,
    seen: list[SeenRequest] | None = None,
) -> tuple[subprocess.CompletedProcess[str], Digest]:
    """`briefing weekly` over `inputs` against a stand-in serving `entries`; `seen` gets the
    requests the stand-in received."""
    with StandIn(answer_book(entries)) as server:
        result = briefing(
            "weekly", *inputs, "-o", str(out), "--formats", formats, "--base-url",
            server.base_url, "--no-cache", *extra,
        )  # fmt: skip
    if seen is not None:
        seen += server.requests
    assert result.returncode == 0, result.stderr
    return result, Digest.model_validate_json((out / "digest.json").read_text("utf-8"))


def glossary_findings(digest: Digest) -> list[tuple[str, str]]:
    (story,) = [s for s in digest.stories if len(s.articles) > 1]
    return [(f.where, f.detail) for f in story.findings if f.kind == "glossary-term"]


def test_a_story_synthesis_is_held_to_the_glossary(tmp_path: Path) -> None:
    starter = str(starter_glossary_path())
    # The authored synthesis says "the Commerce Ministry said" of 商务部新闻发言人 (claims[3]).
    _, given = weekly(tmp_path / "given", book(), "--glossary", starter)
    commerce = (
        "claims[3]",
        f'商务部 (paragraph 1 of {TALKS}) is rendered as "Commerce Ministry"; '
        'the glossary has "MOFCOM"',
    )
    assert commerce in glossary_findings(given)
    (story,) = [s for s in given.stories if len(s.articles) > 1]
    assert all(f.severity == "warning" for f in story.findings if f.kind == "glossary-term")

    # The same synthesis with the preferred English: that finding is gone, no other appears.
    fixed = book({f"story-{TALKS}": ("the Commerce Ministry said", "MOFCOM said")})
    _, preferred = weekly(tmp_path / "fixed", fixed, "--glossary", starter)
    assert [w for w, _ in glossary_findings(preferred)] == [
        w for w, _ in glossary_findings(given) if w != "claims[3]"
    ]

    # Without a glossary the story is not held to one.
    _, plain = weekly(tmp_path / "plain", book())
    assert glossary_findings(plain) == []

    # `briefing check` on the digest finds the story's glossary findings again.
    digest_json = str(tmp_path / "given" / "digest.json")
    again = briefing("check", digest_json, "--json", "--glossary", starter)
    without = briefing("check", digest_json, "--json")
    assert again.returncode in (0, 1) and without.returncode in (0, 1), again.stderr
    story_number = next(n for n, s in enumerate(given.stories, 1) if len(s.articles) > 1)
    found = [
        (f["where"], f["detail"])
        for f in json.loads(again.stdout)
        if f.get("story") == story_number and f["kind"] == "glossary-term"
    ]
    assert found == glossary_findings(given)
    assert all(f["kind"] != "glossary-term" for f in json.loads(without.stdout))


# The Terms section ----------------------------------------------------------------------

# A user's glossary of two terms; the brief of cctv-07 (A3) is edited to call He Lifeng
# "Deputy Prime Minister", a rendering the glossary names to avoid.
TWO_TERMS = (
    '[terms]\n"国务院副总理" = { en = "Vice Premier", avoid = ["Deputy Prime Minister"] }\n'
    '"贝森特" = "Bessent"\n'
)
CCTV_07 = "80cb8f8d71c4"
DEPUTY = {CCTV_07: ("Vice Premier He Lifeng", "Deputy Prime Minister He Lifeng")}


def _section(text: str, start: str, end: str) -> str:
    assert start in text, text[-3000:]
    return text[text.index(start) : text.index(end, text.index(start))]


def _flat(text: str) -> str:
    # Typst breaks lines and spaces CJK from Latin; its quotes are typographic.
    text = re.sub(r"\s+", "", text)
    return text.translate(str.maketrans({"“": '"', "”": '"'}))


def test_the_digest_shows_the_terms_rendered_otherwise(tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.toml"
    glossary.write_text(TWO_TERMS, "utf-8")
    out = tmp_path / "out"
    result, digest = weekly(
        out, book(DEPUTY), "--glossary", str(glossary), "--lang", "both",
        formats="md,html,pdf,json",
    )  # fmt: skip
    (vice, bessent) = digest.meta.glossary_terms or []
    assert (vice.zh, vice.en, bessent.zh, bessent.as_preferred) == (
        "国务院副总理",
        "Vice Premier",
        "贝森特",
        True,
    )
    assert [(u.rendering, u.count, u.articles) for u in vice.uses] == [
        ("Vice Premier", 2, ["48f9245b85e3", "9cc293e49af9"]),
        ("Deputy Prime Minister", 1, [CCTV_07]),
    ]
    assert digest.meta.glossary == [
        "国务院副总理 rendered as Vice Premier ×2, Deputy Prime Minister ×1",
        "贝森特 rendered as Bessent ×3",
    ]
    assert f"Glossary: {digest.meta.glossary[0]}" in result.stderr

    markdown = (out / "brief.md").read_text("utf-8")
    assert "- [Terms / 术语](#terms)\n" in markdown  # in the contents
    assert _section(markdown, "## Terms / 术语", "\n## ") == (
        '## Terms / 术语 <a id="terms"></a>\n\n'
        "1 of 2 glossary terms rendered as preferred.  \n"
        "简报涉及术语表术语 2 个，其中 1 个全部按首选译法译出。\n\n"
        '- **国务院副总理** → Vice Premier: "Deputy Prime Minister" ×1 in '
        f"[A3](#a-{CCTV_07}); as preferred ×2  \n"
        "  **国务院副总理** → Vice Premier：“Deputy Prime Minister” 1 次，见 "
        f"[A3](#a-{CCTV_07})；按首选译法 2 次\n"
    )

    page = (out / "brief.html").read_text("utf-8")
    terms = _section(page, '<section class="terms" id="terms">', "</section>")
    assert "<h2>Terms / 术语</h2>" in terms
    assert '<p class="key">1 of 2 glossary terms rendered as preferred.</p>' in terms
    assert (
        '<strong lang="zh-Hans">国务院副总理</strong> → Vice Premier: '
        f'&#34;Deputy Prime Minister&#34; ×1 in <a href="#a-{CCTV_07}">A3</a>; as preferred ×2'
    ) in terms
    assert "贝森特" not in terms  # always rendered as preferred: counted, not listed
    assert f'id="a-{CCTV_07}"' in page  # the link lands on the brief
    assert '<a href="#terms">Terms / 术语</a>' in page

    text = _flat("".join(p.extract_text() for p in PdfReader(out / "brief.pdf").pages))
    assert _flat("1 of 2 glossary terms rendered as preferred.") in text
    assert (
        _flat('国务院副总理 → Vice Premier: "Deputy Prime Minister" ×1 in A3; as preferred ×2')
        in text
    )
    assert _flat("简报涉及术语表术语 2 个，其中 1 个全部按首选译法译出。") in text


def test_without_a_glossary_there_is_no_terms_section(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _, digest = weekly(out, book(DEPUTY), "--lang", "both", formats="md,html,pdf,json")
    assert digest.meta.glossary_terms is None and digest.meta.glossary == []
    assert "glossary_terms" not in (out / "digest.json").read_text("utf-8")
    markdown = (out / "brief.md").read_text("utf-8")
    assert "Deputy Prime Minister" in markdown  # the brief says it; nothing holds it to a glossary
    assert "Terms" not in markdown and "术语" not in markdown and "(#terms)" not in markdown
    page = (out / "brief.html").read_text("utf-8")
    assert 'id="terms"' not in page and "#terms" not in page
    text = _flat("".join(p.extract_text() for p in PdfReader(out / "brief.pdf").pages))
    assert "TERMS" not in text and "glossaryterm" not in text


def test_a_glossary_none_of_whose_terms_occurs_says_so(tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.toml"
    glossary.write_text('[terms]\n"一带一路" = "Belt and Road Initiative"\n', "utf-8")
    out = tmp_path / "out"
    _, digest = weekly(out, book(), "--glossary", str(glossary), formats="md,json")
    assert digest.meta.glossary_terms == []
    markdown = (out / "brief.md").read_text("utf-8")
    assert _section(markdown, "## Terms", "\n## ") == (
        '## Terms <a id="terms"></a>\n\nNo glossary term occurs in the briefs.\n'
    )


def test_the_terms_section_escapes_what_it_shows(tmp_path: Path) -> None:
    """A digest.json is a file anyone may hand over: its terms are text, never markup."""
    glossary = tmp_path / "glossary.toml"
    glossary.write_text(TWO_TERMS, "utf-8")
    _, digest = weekly(tmp_path / "out", book(DEPUTY), "--glossary", str(glossary))
    hostile = "<img src=x onerror=alert(1)> *bold* [x](https://evil.example) `c` #h"
    (vice, bessent) = digest.meta.glossary_terms or []
    uses = [vice.uses[0], vice.uses[1].model_copy(update={"rendering": hostile})]
    bad = vice.model_copy(update={"zh": "<b>副总理</b>", "en": "_Vice_ <i>", "uses": uses})
    digest.meta.glossary_terms = [bad, bessent]

    page = render_digest_html(digest, "en")
    terms = _section(page, 'id="terms"', "</section>")
    assert "<img" not in terms and "<b>" not in terms and "<i>" not in terms
    assert "&lt;img src=x onerror=alert(1)&gt;" in terms and "&lt;b&gt;副总理&lt;/b&gt;" in terms

    markdown = render_digest_markdown(digest, "en")
    terms = _section(markdown, "## Terms", "\n## ")
    # Every mark escaped with a backslash: no HTML, link, emphasis or code from it.
    assert not re.search(r"(?<!\\)(<img|<b>|\]\(https|\*bold|`c)", terms), terms
    assert r"\<img src=x onerror=alert(1)\> \*bold\* \[x\](https://evil.example) \`c\`" in terms
    assert r"**\<b\>副总理\</b\>** → \_Vice\_ \<i\>" in terms

    source = digest_typst(digest, "en")
    terms = _section(source, "= Terms <terms>", "\n= ")
    assert (
        r"\<img src\=x onerror\=alert(1)\> \*bold\* \[x\](https:\/\/evil\.example) \`c\` \#h"
        in terms
    )
    render_digest_pdf(digest, "en", tmp_path / "hostile.pdf")  # it compiles
    text = _flat("".join(p.extract_text() for p in PdfReader(tmp_path / "hostile.pdf").pages))
    assert _flat(hostile) in text
