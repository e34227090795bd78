"""Markdown rendering: the reference layout, both languages, escaping, visible findings.

Refresh the golden files after an intended change:
    BRIEFING_UPDATE_GOLDEN=1 pytest tests/test_render.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import EXAMPLES, load_answer
from fakes import FakeLLM

from briefing.brief.summarize import summarize_article
from briefing.ingest import read_source
from briefing.models import Brief, Finding
from briefing.render.escape import md_escape
from briefing.render.markdown import render_brief

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def brief() -> Brief:
    article = read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0]
    return summarize_article(article, FakeLLM().enqueue(load_answer(article.id)))


@pytest.mark.parametrize("lang", ["en", "zh", "both"])
def test_markdown_matches_golden(brief: Brief, lang: str) -> None:
    text = render_brief(brief, lang)  # type: ignore[arg-type]
    golden = GOLDEN / f"shoigu.{lang}.md"
    if os.environ.get("BRIEFING_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_english_layout_is_the_reference_export(brief: Brief) -> None:
    lines = render_brief(brief, "en").splitlines()
    assert lines[0] == "### 中美“斗法”把俄罗斯打醒,绍伊古:稀土产业必须独立自主!"
    assert lines[1] == "Sou Hu Cai Jing · 2025-10-25 12:49"
    assert lines[3].startswith("**Core Viewpoint** - Russian Security Council")
    assert lines[3].endswith("[2][5][6]")
    assert "**Group 2: Why Russia Is Acting**" in lines
    assert "- Russia will invest 700 billion rubles (about 61.8 billion yuan) in a domestic" in (
        "\n".join(lines)
    )


def test_model_text_cannot_become_markup(brief: Brief) -> None:
    claim = brief.groups[0].claims[0]
    claim.en = "<script>alert(1)</script> [click](http://evil.example) *bold*\n# heading"
    text = render_brief(brief, "en")
    assert "<script>" not in text
    assert "[click](" not in text
    escaped = r"\<script\>alert(1)\</script\> \[click\](http://evil.example) \*bold\* # heading"
    assert escaped in text


def test_remaining_findings_are_marked_on_their_claim(brief: Brief) -> None:
    brief.findings = [
        Finding(
            where="groups[0].claims[1]",
            kind="number-not-in-cited",
            severity="error",
            detail="700 billion not found in paragraph 2; it appears in paragraph 3",
        )
    ]
    lines = render_brief(brief, "en").splitlines()
    flagged = [line for line in lines if "⚠" in line]
    assert len(flagged) == 1
    assert flagged[0].startswith("- Russia will invest 700 billion")
    # In a reader's words, not the re-ask's.
    assert flagged[0].endswith(
        "[3] ⚠ _unverified: the cited paragraph does not contain 700 billion (it is in ¶3)_"
    )


def test_a_flag_on_no_claim_is_listed_under_the_brief(brief: Brief) -> None:
    # A title's flag (or a part not briefed) has no claim line to sit on; it is still shown.
    brief.findings = [
        Finding(
            where="title", kind="empty-text", severity="error", detail="the Chinese text is blank"
        ),
        Finding(
            where="part[2]",
            kind="part-not-briefed",
            severity="error",
            detail="paragraphs 5-9 <b>not</b> briefed",
        ),
    ]
    zh = render_brief(brief, "zh").splitlines()
    assert zh[-2:] == [
        "- ⚠ _未核实: title: 缺少英文或中文文本_",
        "- ⚠ _未核实: part\\[2\\]: 文章有部分内容未能处理，本简报未涵盖全文_",
    ]
    for lang in ("en", "both"):
        lines = render_brief(brief, lang).splitlines()  # type: ignore[arg-type]
        assert lines[-2:] == [
            "- ⚠ _unverified: title: the English or the Chinese text is missing_",
            "- ⚠ _unverified: part\\[2\\]: part of the article could not be summarised; this "
            "brief does not cover all of it_",
        ]
        assert sum("⚠" in line for line in lines) == 2


def test_md_escape_flattens_lines_and_escapes() -> None:
    assert md_escape("a_b\n\nc|d") == r"a\_b c\|d"
    assert md_escape(3) == "3"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# heading", r"\# heading"),  # would start a heading where the text starts a line
        ("~~~", r"\~\~\~"),  # a fence swallowing the rest of the document
        ("--- ", r"\---"),  # a rule, or an underline making the line above a heading
        ("=====", r"\====="),
        ("+ item", r"\+ item"),
        ("1. first", r"1\. first"),
        ("3.5 billion", "3.5 billion"),  # not a list: no space after the dot
        ("~~gone~~", r"\~\~gone\~\~"),
        ("&lt;b&gt; &#x3C; R&D", r"\&lt;b\&gt; \&#x3C; R&D"),  # shown as written, not as `<`
        ("a\u202eb\x00c\ud800", "abc\ufffd"),  # bidi and control characters dropped
    ],
)
def test_md_escape_blocks_entities_and_invisible_characters(text: str, escaped: str) -> None:
    assert md_escape(text) == escaped
