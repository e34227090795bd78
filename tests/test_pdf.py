"""PDF digest, compiled for real by Typst: text in both languages, fonts embedded, no code
from model or article text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from digests import example_digest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from briefing.models import Digest
from briefing.render.digest_view import digest_view
from briefing.render.escape import typst_escape, typst_str
from briefing.render.pdf import PdfError, digest_typst, font_dir, render_digest_pdf

HOSTILE = (
    '#sys.exit() #read("/etc/passwd") ] [ * $x^2$ _u_ `raw` <lbl> @lbl ~ \\ '
    "// not a comment /* nor this */ = not a heading -5 1. https://evil.example #{panic()}"
)


def _flat(text: str) -> str:
    # Typst spaces CJK from Latin and breaks lines; quotes become typographic quotes.
    text = re.sub(r"\s+", "", text)
    return text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))


def _text(pdf: Path) -> str:
    return _flat("".join(page.extract_text() for page in PdfReader(pdf).pages))


@pytest.fixture
def digest() -> Digest:
    return example_digest()


def test_both_languages_render(digest: Digest, tmp_path: Path) -> None:
    out = tmp_path / "digest.pdf"
    render_digest_pdf(digest, "both", out)
    text = _text(out)
    for expected in (
        "Weekly brief / 每周简报",
        "Rare earths: Russia seeks its own supply chain as China tightens control",
        "稀土：俄罗斯谋求自主产业链，中国强化全链条管理",
        "Russia will invest 700 billion rubles (about 61.8 billion yuan)",
        "俄罗斯将投资7000亿卢布（约合618亿元人民币）",
        "[A1¶2,3][A2¶1,3]",
        "国务院总理李强日前签署国务院令",  # a quoted source paragraph
        "feeds/bad.html",
    ):
        assert _flat(expected) in text, expected


def test_fonts_are_embedded(digest: Digest, tmp_path: Path) -> None:
    out = tmp_path / "digest.pdf"
    render_digest_pdf(digest, "both", out)
    names = set()
    for page in PdfReader(out).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
    assert any("NotoSansSC" in n for n in names) and any("NotoSerifSC" in n for n in names)


def _links(reader: PdfReader) -> list[DictionaryObject]:
    return [
        annot.get_object()
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if annot.get_object()["/Subtype"] == "/Link"
    ]


def test_citations_are_internal_links(digest: Digest, tmp_path: Path) -> None:
    out = tmp_path / "digest.pdf"
    render_digest_pdf(digest, "en", out)
    reader = PdfReader(out)
    links = _links(reader)
    named = reader.named_destinations
    assert {"s-1", "sources"} <= {str(link["/Dest"]) for link in links if "/Dest" in link}
    # Each citation group is one link, to its first cited paragraph in the appendix: one
    # place per distinct paragraph, all on the appendix's pages.
    view = digest_view(digest, "en")
    groups = [a.cite(c.cites) for a in view.articles for _, c in a.brief.claims_with_paths()]
    groups += [c for s in view.stories for st in [s.summary, *s.claims] for c in st.cites]
    targets = {c.target for c in groups}
    places = [
        (reader.get_page_number(link["/Dest"][0]), float(link["/Dest"][3]))
        for link in links
        if not isinstance(link["/Dest"], str)
    ]
    assert len(places) == len(groups)
    assert len(set(places)) == len(targets)
    appendix = reader.get_page_number(named["sources"].page)
    assert all(page >= appendix for page, _ in places)


def test_hostile_text_renders_literally(digest: Digest, tmp_path: Path) -> None:
    digest.briefs[0].groups[0].claims[0].en = HOSTILE
    digest.stories[0].title.en = HOSTILE
    digest.briefs[1].article.paragraphs[0] = HOSTILE  # a quoted source paragraph
    digest.failures[0].error = HOSTILE
    out = tmp_path / "digest.pdf"
    render_digest_pdf(digest, "en", out)
    text = _text(out)
    assert text.count(_flat(HOSTILE)) == 5  # the story title twice: in the contents too
    assert "root:" not in text


def test_typst_escaping() -> None:
    assert typst_escape("a#b [c] *d* $e$ //f") == r"a\#b \[c\] \*d\* \$e\$ \/\/f"
    assert typst_escape("line\n\n= heading") == r"line \= heading"
    assert typst_str('say "hi" \\ #x') == '"say \\"hi\\" \\\\ #x"'
    source = digest_typst(example_digest().model_copy(update={"failures": []}), "en")
    assert "#read" not in source and "sys.exit" not in source


def test_missing_fonts_are_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pylopdf_fonts_zh_cn", None)
    with pytest.raises(PdfError) as info:
        font_dir()
    assert "pip install pylopdf-fonts-zh-cn" in str(info.value)
