"""Markdown of the weekly digest: structure, counts, languages, citations, escaping.

Refresh the golden files after an intended change:
    BRIEFING_UPDATE_GOLDEN=1 pytest tests/test_render_digest.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from digests import DROPPED_COPY, example_digest

from briefing.models import ArticleCite, Digest, Failure, Finding, StoryClaim
from briefing.render.digest_md import render_digest_markdown

GOLDEN = Path(__file__).parent / "golden"
# Read at import: the autouse fixture in conftest.py clears BRIEFING_* before each test.
UPDATE_GOLDEN = bool(os.environ.get("BRIEFING_UPDATE_GOLDEN"))


@pytest.fixture
def digest() -> Digest:
    return example_digest()


@pytest.mark.parametrize("lang", ["en", "zh", "both"])
def test_markdown_matches_golden(digest: Digest, lang: str) -> None:
    text = render_digest_markdown(digest, lang)  # type: ignore[arg-type]
    golden = GOLDEN / f"digest.{lang}.md"
    if UPDATE_GOLDEN:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_header_counts_and_section_order(digest: Digest) -> None:
    lines = render_digest_markdown(digest, "en").splitlines()
    assert lines[:4] == [
        "# Weekly brief",
        "2024-06-24 – 2025-10-26",
        "",
        "2 articles briefed · 1 duplicate merged · 1 story · **1 failure** · 0 claims flagged",
    ]
    sections = [line.split(" <a ")[0] for line in lines if line.startswith("## ")]
    assert sections == [
        "## Contents",
        "## 1. Rare earths: Russia seeks its own supply chain as China tightens control",
        "## Sources and cited paragraphs",
        "## Not briefed",
    ]
    assert "Articles: [A1](#a-781dc613f876), [A2](#a-4ac2f5cfb536)" in lines


def test_each_article_is_its_brief_under_its_story(digest: Digest) -> None:
    text = render_digest_markdown(digest, "en")
    story = text.index("## 1. Rare earths")
    for number, brief in enumerate(digest.briefs, 1):
        heading = f'### A{number} · {brief.title.en} <a id="a-{brief.article.id}"></a>\n'
        assert story < text.index(heading) < text.index("## Sources")
        # The brief's own citations are one link per claim, to the first cited paragraph.
        cv = brief.core_viewpoint.cites
        numbers = ",".join(map(str, cv))
        assert f"[\\[{numbers}\\]](#a-{brief.article.id}-p{cv[0]})" in text


def test_story_cites_name_article_and_paragraphs(digest: Digest) -> None:
    text = render_digest_markdown(digest, "en")
    s, r = (b.article.id for b in digest.briefs)
    assert f"supervises the chain. [\\[A1 ¶2,3\\]](#a-{s}-p2)[\\[A2 ¶1,3\\]](#a-{r}-p1)\n" in text
    assert f"requires product traceability. [\\[A2 ¶6\\]](#a-{r}-p6)\n" in text


def test_chinese_digest(digest: Digest) -> None:
    lines = render_digest_markdown(digest, "zh").splitlines()
    assert lines[:2] == ["# 每周简报", "2024-06-24 至 2025-10-26"]
    assert (
        "已简报文章 2 篇 · 已合并重复 1 篇 · 专题 1 个 · **处理失败 1 项** · 未核实陈述 0 条"
        in lines
    )
    text = "\n".join(lines)
    assert '## 1. 稀土：俄罗斯谋求自主产业链，中国强化全链条管理 <a id="s-1"></a>' in text
    assert "**核心观点**" in text
    assert "Core Viewpoint" not in text
    assert any(line.startswith("## 来源与引用段落") for line in lines)


def test_both_languages_pair_each_line(digest: Digest) -> None:
    lines = render_digest_markdown(digest, "both").splitlines()
    assert lines[0] == "# Weekly brief / 每周简报"
    en = next(i for i, line in enumerate(lines) if line.startswith("- China caps mining"))
    cite = f"[\\[A2 ¶6\\]](#a-{digest.briefs[1].article.id}-p6)"
    assert lines[en].endswith(f"{cite}  ")  # a hard line break before its Chinese line
    assert lines[en + 1] == f"  中国对稀土开采和冶炼分离实行总量调控，并建立产品追溯制度。 {cite}"


def test_failures_footer(digest: Digest) -> None:
    lines = render_digest_markdown(digest, "en").splitlines()
    at = lines.index("## Not briefed")
    assert lines[at + 2] == "- feeds/bad.html: no article body found"
    digest.failures = []
    assert "## Not briefed" not in render_digest_markdown(digest, "en")


def test_duplicates_noted_under_the_kept_article(digest: Digest) -> None:
    text = render_digest_markdown(digest, "en")
    note = f"_Also reported: 1 near-duplicate copy merged (similarity 0.91): {DROPPED_COPY}_"
    assert text.index("### A1 ·") < text.index(note) < text.index("### A2 ·")


def test_remaining_findings_are_marked(digest: Digest) -> None:
    digest.briefs[1].findings = [
        Finding(
            where="groups[0].claims[1]",
            kind="number-not-in-cited",
            severity="error",
            detail="32 not found in paragraph 1",
        )
    ]
    lines = render_digest_markdown(digest, "en").splitlines()
    flagged = [line for line in lines if "⚠ _" in line]
    assert flagged == [
        f"- The regulation has 32 articles. [\\[1\\]](#a-{digest.briefs[1].article.id}-p1)"
        " ⚠ _unverified: the cited paragraph does not contain 32_"
    ]
    assert "**1 claim flagged**" in lines[3]


def test_model_and_input_text_cannot_become_markup(digest: Digest) -> None:
    story = digest.stories[0]
    story.claims[0] = StoryClaim(
        en="<script>alert(1)</script> [click](http://evil.example) *bold*\n# heading",
        zh="中文",
        cites=[ArticleCite(article="](javascript:x)", paragraphs=[1])],
    )
    digest.failures = [Failure(input="a_b|c.html", error="<b>bad</b>")]
    text = render_digest_markdown(digest, "en")
    assert "<script>" not in text and "<b>" not in text
    assert (
        r"\<script\>alert(1)\</script\> \[click\](http://evil.example) \*bold\* # heading" in text
    )
    assert r"\[\](javascript:x) ¶1\]" in text
    assert r"- a\_b\|c.html: \<b\>bad\</b\>" in text


def test_only_http_urls_become_autolinks(digest: Digest) -> None:
    digest.briefs[0].article.url = "https://www.sohu.com/a/1_2"
    digest.briefs[1].article.url = "javascript:alert(1)"
    text = render_digest_markdown(digest, "en")
    title = digest.briefs[0].article.title
    assert text.count(f"[{title}](<https://www.sohu.com/a/1_2>)") == 2  # brief, sources
    assert "<javascript" not in text and "(javascript" not in text
    assert " — javascript:alert(1)" in text  # shown, as text
