"""The digest's layout in every format: the week in brief first, contents, stories with their
briefs, sources with links, one citation chip per group, flags in a reader's words, the
appendix of cited paragraphs at the end (or left out), and Slack in the same order.

The digests are built in tests/digests.py from the example articles and their authored
answers; the week in brief there is a test fixture, not a model's output.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from conftest import EXAMPLES
from digests import example_digest, single_stories_digest, week_digest
from pypdf import PdfReader
from typer.testing import CliRunner

from briefing.cli import app
from briefing.models import Digest, Finding, StoryClaim
from briefing.render.digest_md import render_digest_markdown
from briefing.render.flags import reader_flag
from briefing.render.html import render_digest_html
from briefing.render.pdf import render_digest_pdf
from briefing.slack.content import digest_content

FLAGGED_POINT = "the cited paragraph does not contain 800 billion (it is in A1 ¶3)"
REASK_WORDS = "cite the paragraphs it rests on"  # in the finding's detail, for the model


def _flat(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    return text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))


def _pdf_pages(digest: Digest, tmp_path: Path, appendix: bool = True) -> list[str]:
    out = tmp_path / "digest.pdf"
    render_digest_pdf(digest, "both", out, appendix)
    return [_flat(page.extract_text()) for page in PdfReader(out).pages]


# --- The week in brief ------------------------------------------------------------------------


def test_markdown_opens_with_the_week_then_the_contents() -> None:
    text = render_digest_markdown(week_digest(), "both")
    heads = [line.split(" <a ")[0] for line in text.splitlines() if line.startswith("## ")]
    assert heads[:3] == [
        "## The week in brief / 本周要点",
        "## Contents / 目录",
        "## 1. Rare earths: Russia seeks its own supply chain as China tightens control",
    ]
    week = text[text.index("## The week") : text.index("## Contents")]
    assert week.count("\n- ") == 5
    # Both languages, each point cited, the wrong one flagged in a reader's words.
    assert (
        "  绍伊古称，俄罗斯迫切需要建立完全独立于中美的自主稀土金属产业链。 [\\[A1 ¶2\\]]" in week
    )
    assert f"⚠ _unverified: {FLAGGED_POINT}_" in week
    assert REASK_WORDS not in text
    assert "**1 claim flagged**" in text.splitlines()[3]


def test_no_week_no_section() -> None:
    digest = example_digest()
    assert "The week in brief" not in render_digest_markdown(digest, "en")
    html = lxml.html.fromstring(render_digest_html(digest, "en"))
    assert html.get_element_by_id("week", None) is None


def test_html_and_pdf_open_with_the_week_and_the_contents(tmp_path: Path) -> None:
    page = lxml.html.fromstring(render_digest_html(week_digest(), "both"))
    order = [
        el.get("id") for el in page.iter() if el.get("id") in ("week", "contents", "s-1", "sources")
    ]
    assert order == ["week", "contents", "s-1", "sources"]
    points = page.get_element_by_id("week").findall(".//li")
    assert len(points) == 5 and points[1].get("class") == "flagged"
    assert FLAGGED_POINT in points[1].text_content()

    first = _pdf_pages(week_digest(), tmp_path)[0]
    at = [
        first.index(_flat(s))
        for s in (
            "THE WEEK IN BRIEF",
            "Russia plans to invest 800 billion",
            FLAGGED_POINT,
            "CONTENTS / 目录",
        )
    ]
    assert at == sorted(at)


# --- Contents and anchors ---------------------------------------------------------------------


def test_markdown_anchors_resolve() -> None:
    for appendix in (True, False):
        text = render_digest_markdown(week_digest(), "both", appendix)
        ids = re.findall(r'<a id="([a-z0-9-]+)"></a>', text)
        assert len(ids) == len(set(ids))
        targets = re.findall(r"\]\(#([^)]+)\)", text)
        assert targets and set(targets) <= set(ids)
        quoted = [i for i in ids if re.fullmatch(r"a-[0-9a-f]{12}-p\d+", i)]
        assert bool(quoted) == appendix  # without the appendix, cites link to the briefs
    contents = text[text.index("## Contents") : text.index("## 1.")]
    assert (
        "1. [Rare earths: Russia seeks its own supply chain as China tightens control](#s-1)"
        " · 2 articles" in contents
    )


def test_html_anchors_resolve_and_each_citation_group_is_one_chip() -> None:
    digest = week_digest()
    page = lxml.html.fromstring(render_digest_html(digest, "en"))
    ids = [el.get("id") for el in page.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    internal = [a.get("href") for a in page.iter("a") if a.get("href", "").startswith("#")]
    assert internal and {h[1:] for h in internal} <= set(ids)
    assert [a.text for a in page.get_element_by_id("contents").iter("a")][:1] == [
        digest.stories[0].title.en
    ]
    chips = page.find_class("cite")
    texts = [c.text for c in chips]
    assert "[A1 ¶2,3]" in texts and "[A2 ¶1,3]" in texts and "[2,5,6]" in texts
    regulation = digest.briefs[1].article
    chip = next(c for c in chips if c.text == "[A2 ¶6]")
    assert chip.get("href") == f"#a-{regulation.id}-p6"
    assert chip.get("data-q").startswith("¶6 " + regulation.paragraphs[5][:40])
    target = page.get_element_by_id(f"a-{regulation.id}-p6")
    assert regulation.paragraphs[5] in target.text_content()


def test_quoted_text_in_a_chip_is_escaped() -> None:
    digest = example_digest()
    digest.briefs[1].article.paragraphs[5] = '"><script>alert(1)</script>'
    html = render_digest_html(digest, "en")
    page = lxml.html.fromstring(html)
    assert not list(page.iter("script"))
    assert 'data-q="¶6 &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_pdf_contents_outline_and_source_links(tmp_path: Path) -> None:
    digest = week_digest()
    out = tmp_path / "digest.pdf"
    render_digest_pdf(digest, "en", out)
    reader = PdfReader(out)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[:3] == ["The week in brief", "Contents", "Top stories"]
    nested = [
        item.title
        for sub in reader.outline
        if isinstance(sub, list)
        for item in sub
        if not isinstance(item, list)
    ]
    assert any(title.startswith("1") and "Rare earths" in title for title in nested)
    uris = [
        annot.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert uris == ["https://example.com/rare-earth-regulation"] * 2  # its brief, its source


# --- Sources, repetition, flags ---------------------------------------------------------------


def test_source_and_date_once_per_article_and_titles_linked() -> None:
    digest = week_digest()
    text = render_digest_markdown(digest, "en")
    assert text.count("Sou Hu Cai Jing · 2025-10-25 12:49") == 1
    assert text.count("2024-06-29") == 2  # the byline, and the timeline's step
    title = digest.briefs[1].article.title
    assert text.count(f"[{title}](<https://example.com/rare-earth-regulation>)") == 2
    page = lxml.html.fromstring(render_digest_html(digest, "en"))
    linked = [
        a for a in page.iter("a") if a.get("href") == "https://example.com/rare-earth-regulation"
    ]
    assert [a.text for a in linked] == [title, title]


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_a_story_of_one_article_shows_its_brief_once(fmt: str, tmp_path: Path) -> None:
    digest = single_stories_digest()
    core = digest.briefs[0].core_viewpoint.en
    if fmt == "md":
        text = render_digest_markdown(digest, "en")
        assert text.count(core) == 1
        assert "## 1. A1 · " in text and "Articles:" not in text
    elif fmt == "html":
        page = lxml.html.fromstring(render_digest_html(digest, "en"))
        assert page.text_content().count(core) == 1
        assert page.get_element_by_id("s-1") is not None
    else:
        assert "".join(_pdf_pages(digest, tmp_path)).count(_flat(core)) == 1
    # A story of two articles keeps its synthesis and the briefs under it.
    two = example_digest()
    assert render_digest_markdown(two, "en").count(two.stories[0].summary.en) == 1


def test_flags_speak_to_the_reader() -> None:
    def finding(kind: str, detail: str) -> Finding:
        return Finding(where="x", kind=kind, severity="error", detail=detail)  # type: ignore[arg-type]

    cases = [
        (
            "number-not-in-cited",
            "700 billion not found in paragraph 3; it appears in paragraph 2",
            "the cited paragraph does not contain 700 billion (it is in ¶2)",
        ),
        (
            "cite-missing",
            "no paragraph cited; cite the paragraphs it rests on",
            "no source paragraph is cited",
        ),
        ("number-not-in-source", "5% appears nowhere in the article", "5% is not in the source"),
    ]
    for kind, detail, said in cases:
        assert reader_flag(finding(kind, detail), "en") == said
    assert (
        reader_flag(finding("number-not-in-cited", "700 billion not found in paragraph 3"), "zh")
        == "所引段落中没有 700 billion"
    )
    # A kind added later, unknown to the table, shows its detail rather than nothing.
    new = Finding.model_construct(
        where="x",
        kind="date-not-in-cited",
        severity="error",
        detail="October 25 is not in paragraph 2",
    )
    assert reader_flag(new, "en") == "October 25 is not in paragraph 2"


def test_story_findings_are_marked_on_their_statement() -> None:
    digest = example_digest()
    digest.stories[0].findings = [
        Finding(
            where="claims[1]",
            kind="text-not-in-cited",
            severity="error",
            detail="the Chinese shares 5% of its wording with what it cites; check that those "
            "paragraphs say it, or cite the ones that do",
        ),
    ]
    lines = render_digest_markdown(digest, "en").splitlines()
    flagged = [line for line in lines if "⚠ _" in line]
    assert len(flagged) == 1 and flagged[0].startswith("- China caps mining")
    assert flagged[0].endswith("⚠ _unverified: the cited paragraphs do not appear to say this_")
    assert "**1 claim flagged**" in lines[3]


# --- The appendix -----------------------------------------------------------------------------


def test_the_appendix_follows_the_stories_or_is_left_out(tmp_path: Path) -> None:
    digest = week_digest()
    paragraph = digest.briefs[1].article.paragraphs[5]
    with_it = render_digest_markdown(digest, "en")
    assert (
        with_it.index("## 1. Rare earths")
        < with_it.index("## Sources and cited paragraphs")
        < with_it.index(paragraph)
    )
    without = render_digest_markdown(digest, "en", appendix=False)
    assert paragraph not in without and "## Sources <a" in without
    html = render_digest_html(digest, "en", appendix=False)
    regulation = digest.briefs[1].article.id
    assert f'id="a-{regulation}-p6"' not in html  # the chip still shows it on hover
    assert f'<a class="cite" href="#a-{regulation}" data-q="¶6 {paragraph}">[A2 ¶6]</a>' in html
    pages = _pdf_pages(digest, tmp_path, appendix=True)
    assert _flat(paragraph) in "".join(pages)
    assert _flat(paragraph) not in "".join(_pdf_pages(digest, tmp_path, appendix=False))


# --- PDF typography ---------------------------------------------------------------------------


def _runs(pdf: Path) -> list[tuple[str, str]]:
    """(font name, text) of every text run in the PDF."""
    runs: list[tuple[str, str]] = []
    for page in PdfReader(pdf).pages:

        def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
            if text.strip() and font is not None:
                runs.append((str(font.get("/BaseFont", "")), text))  # type: ignore[attr-defined]

        page.extract_text(visitor_text=visit)
    return runs


def test_latin_punctuation_in_latin_text_and_chinese_in_chinese(tmp_path: Path) -> None:
    out = tmp_path / "digest.pdf"
    render_digest_pdf(example_digest(), "both", out)
    runs = _runs(out)
    # "Russia's Plan" (a group title, in sans) and "Russia's Security Council" (serif).
    apostrophes = [font for font, text in runs if "’" in text and re.search("[A-Za-z]", text)]
    assert apostrophes
    # The sans has one font for both scripts: its quotes are set proportional (pwid), so
    # only the serif runs are checked for the font.
    serif = [f for f in apostrophes if "Serif" in f]
    assert serif and all("Libertinus" in f for f in serif), apostrophes
    # Chinese quotes in Chinese text come from the CJK font, full-width.
    zh_quotes = [font for font, text in runs if "“" in text and re.search("[\u4e00-\u9fff]", text)]
    assert zh_quotes and all("NotoSerifSC" in f or "NotoSansSC" in f for f in zh_quotes), zh_quotes


def test_no_citation_alone_on_a_line(tmp_path: Path) -> None:
    # Statements of every length from one real sentence: some end right at a line's end,
    # where a citation joined by a plain space would wrap onto a line of its own.
    digest = example_digest()
    story = digest.stories[0]
    sentence = digest.briefs[1].groups[0].claims[0].en * 2
    story.claims = [
        StoryClaim(en=sentence[:n], zh="稀土", cites=story.claims[1].cites)
        for n in range(90, 200, 2)
    ]
    out = tmp_path / "digest.pdf"
    render_digest_pdf(digest, "en", out)
    cite_only = re.compile(r"^\s*(\[[A0-9][^\]]*\])+\s*$")
    lines = [
        line
        for page in PdfReader(out).pages
        for line in page.extract_text(extraction_mode="layout").splitlines()
    ]
    assert [line for line in lines if line.strip().endswith("[A2 ¶6]")]
    assert not [line for line in lines if cite_only.match(line)]


# --- Slack ------------------------------------------------------------------------------------


def test_slack_follows_the_same_order() -> None:
    content = digest_content(week_digest(), "en")
    labels = [unit.label for unit in content.units]
    assert labels[1:3] == [
        "The week in brief",
        "1. Rare earths: Russia seeks its own supply chain as China tightens control",
    ]
    week = str(content.units[1].blocks)
    assert "Russia plans to invest 800 billion rubles" in week
    assert FLAGGED_POINT in week and REASK_WORDS not in week
    story = str(content.units[2].blocks)
    assert story.index("Timeline") < story.index("2024-06-29") < story.index("China caps mining")
    assert "The week in brief" not in [
        u.label for u in digest_content(example_digest(), "en").units
    ]


# --- The command line -------------------------------------------------------------------------


def test_weekly_appendix_flag(tmp_path: Path) -> None:
    week, replay = str(EXAMPLES / "weekly"), str(EXAMPLES / "weekly.replay.yaml")
    outputs = {}
    digests: list[Digest] = []
    for flag in ("--appendix", "--no-appendix"):
        out = tmp_path / flag
        args = ["weekly", week, "--replay", replay, "-o", str(out), "--formats", "md,html,json"]
        result = CliRunner().invoke(app, [*args, flag])
        assert result.exit_code == 0, result.output
        outputs[flag] = (
            (out / "brief.md").read_text("utf-8"),
            (out / "brief.html").read_text("utf-8"),
        )
        digests.append(Digest.model_validate_json((out / "digest.json").read_text("utf-8")))
    with_md, with_html = outputs["--appendix"]
    without_md, without_html = outputs["--no-appendix"]
    assert "## Sources and cited paragraphs" in with_md
    assert "## Sources <a" in without_md and "cited paragraphs" not in without_md
    quoted = re.compile(r'id="a-[0-9a-f]{12}-p\d+"')
    assert quoted.search(with_md) and quoted.search(with_html)
    assert not quoted.search(without_md) and not quoted.search(without_html)
    # The JSON is the same digest either way (but for when it was made).
    made = {"meta": True, "briefs": {"__all__": {"meta"}}}
    first, second = (d.model_dump(exclude=made) for d in digests)
    assert first == second and first["briefs"]
