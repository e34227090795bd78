"""The HTML outputs in a real headless Chromium on a machine without Chinese fonts.

Debian's `chromium` (installed by .ci/run) driven by playwright through `executable_path`
(no browser download). The browser sees only DejaVu (a fontconfig with that one folder), so
only the font embedded in the page can draw Chinese. At phone (390 px) and desktop
(1280 px) width: no horizontal scroll; the embedded face is loaded and draws every Chinese
character shown; every in-page link has its target, and following one brings
it into view. Screenshots at phone width go to /tmp/shots/.

The pages are the bundled week (examples/weekly, answered from its replay: authored answers)
and one article of it (the `summarize --format html` page).

    python -m pytest tests/test_html_browser.py -q
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from briefing.render.fonts import FAMILY

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p is not None), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (apt-get install chromium; .ci/run does)"
)
SHOTS = Path("/tmp/shots")
LATIN_ONLY = "/usr/share/fonts/truetype/dejavu"
WIDTHS = (390, 1280)
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled week's digest (both languages) and one article's brief, as HTML files."""
    from briefing.brief.summarize import summarize_article
    from briefing.digest.period import Window
    from briefing.digest.prepare import prepare
    from briefing.digest.run import build_digest
    from briefing.ingest import read_source
    from briefing.llm.stack import build_stack
    from briefing.render.html import render_brief_html, render_digest_html
    from briefing.settings import resolve_settings

    folder = tmp_path_factory.mktemp("html")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BRIEFING_CACHE_DIR", str(folder / "cache"))  # the font subsets' cache
        settings = resolve_settings(require_key=False)
        stack = build_stack(settings, replay=EXAMPLES / "weekly.replay.yaml")
        digest = build_digest(prepare([str(EXAMPLES / "weekly")], Window()), stack.llm, settings)
        shoigu = read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0]
        single = build_stack(settings, replay=EXAMPLES / "shoigu-rare-earths.replay.yaml")
        out = {"digest": folder / "digest.html", "brief": folder / "brief.html"}
        out["digest"].write_text(render_digest_html(digest, "both"), "utf-8")
        brief = summarize_article(shoigu, single.llm)
        out["brief"].write_text(render_brief_html(brief, "both"), "utf-8")
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("fontconfig")
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{LATIN_ONLY}</dir><cachedir>{folder / 'cache'}</cachedir>"
        "</fontconfig>\n",
        "utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "FONTCONFIG_PATH": str(folder)}
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, env=env)
        yield chromium
        chromium.close()


def _open(browser: Any, path: Path, width: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 844 if width < 600 else 900})
    page.goto(path.as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


# The width a string takes in a font stack, drawn off-screen.
_WIDTH = """([text, family]) => {
  const s = document.createElement('span');
  s.style.cssText = `font: 32px ${family}; position: absolute; white-space: nowrap;`;
  s.textContent = text;
  document.body.appendChild(s);
  const w = s.getBoundingClientRect().width;
  s.remove();
  return w;
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["digest", "brief"])
def test_no_horizontal_scroll(browser: Any, pages: dict[str, Path], name: str, width: int) -> None:
    page = _open(browser, pages[name], width)
    sizes = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.body.scrollWidth]"
    )
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[1], sizes
    if width == WIDTHS[0]:
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{width}-first-screen.png"))
        page.screenshot(path=str(SHOTS / f"{name}-{width}-full.png"), full_page=True)
    page.close()


ABSENT = "龘"
# Each distinct Chinese character of the page's visible text, drawn in the page's own font
# stack on a canvas; the ones whose pixels are those of ABSENT (a missing-glyph box).
_DRAWN = """absent => {
  const family = getComputedStyle(document.body).fontFamily;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 40;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = ch => {
    ctx.clearRect(0, 0, 40, 40);
    ctx.font = `32px ${family}`;
    ctx.fillText(ch, 2, 32);
    return ctx.getImageData(0, 0, 40, 40).data.join(',');
  };
  const box = draw(absent);
  const chars = [...new Set(document.body.innerText)]
    .filter(ch => /[\u3400-\u9fff\uf900-\ufaff]/.test(ch));
  return {shown: chars.length, boxes: chars.filter(ch => draw(ch) === box)};
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["digest", "brief"])
def test_the_embedded_face_draws_the_chinese(
    browser: Any, pages: dict[str, Path], name: str, width: int
) -> None:
    page = _open(browser, pages[name], width)
    faces = page.evaluate("[...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])")
    assert [FAMILY, "loaded"] in faces, faces
    assert page.evaluate(f"document.fonts.check('16px \"{FAMILY}\"', '中')")
    # Drawn by the embedded face: a Chinese line is as wide in the page's own stack as in the
    # embedded face alone, and not as wide as this browser's fallback (its tofu).
    text = "稀土管理条例"
    ours = page.evaluate(_WIDTH, [text, f'"{FAMILY}"'])
    stack = page.evaluate(_WIDTH, [text, "var(--sans)"])
    tofu = page.evaluate(_WIDTH, [text, "sans-serif"])
    assert ours == pytest.approx(6 * 32, abs=1)  # full-width ideographs, 1 em each
    assert stack == pytest.approx(ours, abs=0.5) and abs(tofu - ours) > 1, (ours, stack, tofu)

    # And in the page itself: every Chinese character shown is drawn by the embedded face.
    # A character the face lacks is drawn as the "missing glyph" box (no other font here has
    # Chinese); ABSENT is a character the page does not use, so it draws that box.
    assert ABSENT not in pages[name].read_text("utf-8")
    drawn = page.evaluate(_DRAWN, ABSENT)
    assert drawn["shown"] > 100 and drawn["boxes"] == [], drawn
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["digest", "brief"])
def test_every_in_page_link_lands(
    browser: Any, pages: dict[str, Path], name: str, width: int
) -> None:
    page = _open(browser, pages[name], width)
    missing = page.evaluate(
        """[...document.querySelectorAll('a[href^="#"]')]
             .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
             .filter(id => !document.getElementById(id))"""
    )
    links = page.locator('a[href^="#"]')
    assert links.count() > 5 and missing == []
    # Follow the last link (a citation deep in the page) and one in the middle.
    for index in (links.count() - 1, links.count() // 2):
        link = links.nth(index)
        target = (link.get_attribute("href") or "#")[1:]
        page.evaluate("window.scrollTo(0, 0)")
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_function(
            """id => { const r = document.getElementById(id).getBoundingClientRect();
                       return r.top >= -1 && r.top < window.innerHeight; }""",
            arg=target,
            timeout=5_000,
        )
        assert page.evaluate("location.hash") == f"#{target}"
    page.close()
