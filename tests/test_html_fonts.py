"""The Chinese font embedded in the HTML: exactly the page's CJK characters, as WOFF2 in a
data URI, nothing for a page without Chinese, and each subset made once (cache folder).

The page is a digest of the example articles with their authored answers (tests/digests.py).
The browser side (the face loads and draws every character) is tests/test_html_browser.py.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from digests import example_digest
from fontTools.ttLib import TTFont

from briefing.render import fonts
from briefing.render.html import render_brief_html, render_digest_html


def _embedded(html: str) -> TTFont:
    [data] = re.findall(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", html)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def _visible_cjk(html: str) -> set[str]:
    body = html.split("</style>", 1)[1]  # the page after the stylesheet (the font itself)
    return set(fonts.cjk_characters(body))


def test_the_font_holds_exactly_the_chinese_the_page_shows() -> None:
    html = render_digest_html(example_digest(), "both")
    font = _embedded(html)
    assert font.flavor == "woff2"
    mapped = {chr(c) for c in font.getBestCmap()}
    shown = _visible_cjk(html)
    assert len(shown) > 300 and "稀" in shown and "卢" in shown
    assert mapped == shown  # no glyph missing, none extra
    assert "Noto Sans SC" in font["name"].getDebugName(1)
    assert f'font-family: "{fonts.FAMILY}"' in html
    assert f'--sans: "{fonts.FAMILY}"' in html  # the page's stack names the face first


def test_latin_is_left_to_the_system_font() -> None:
    text = "Russia's 700 billion rubles “quoted” — 7000亿卢布，。"
    assert fonts.cjk_characters(text) == "。亿卢布，"  # code point order


def test_a_page_without_chinese_embeds_no_font() -> None:
    digest = example_digest()
    brief = digest.briefs[0].model_copy(deep=True)
    brief.article.title = "Plain title"
    brief.article.paragraphs = [
        f"Paragraph {n}." for n in range(1, len(brief.article.paragraphs) + 1)
    ]
    brief.article.source = "Wire"
    brief.title.zh = "x"
    brief.core_viewpoint.zh = "x"
    for group in brief.groups:
        group.title.zh = "x"
        for claim in group.claims:
            claim.zh = "x"
    html = render_brief_html(brief, "en")
    if fonts.cjk_characters(html.split("</style>", 1)[1]):
        pytest.skip("the brief page still carries Chinese labels")
    assert "@font-face" not in html and "url(" not in html


def test_a_subset_is_made_once_per_glyph_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path))
    fonts.subset_woff2.cache_clear()
    calls: list[str] = []
    real = fonts._subset

    def counted(source: Path, chars: str) -> bytes:
        calls.append(chars)
        return real(source, chars)

    monkeypatch.setattr(fonts, "_subset", counted)
    first = fonts.subset_woff2("稀土管理条例")
    fonts.subset_woff2.cache_clear()  # as a new process: only the cache folder is left
    assert fonts.subset_woff2("稀土管理条例") == first and calls == ["稀土管理条例"]
    assert len(list((tmp_path / "fonts").glob("*.woff2"))) == 1
    fonts.subset_woff2("稀土")  # another glyph set: another subset
    assert calls == ["稀土管理条例", "稀土"]


def test_an_unwritable_cache_costs_only_the_caching(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(blocker))
    fonts.subset_woff2.cache_clear()
    woff2 = fonts.subset_woff2("中文")
    assert woff2 is not None and woff2[:4] == b"wOF2"
