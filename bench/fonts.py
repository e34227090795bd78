"""The embedded Chinese font of the HTML outputs: how big, how slow, and what its cache saves.

Run from the repository root:  python bench/fonts.py

The input is the bundled week (examples/weekly) answered from its replay file (authored
answers, see examples/PROVENANCE.md), rendered as HTML in English, Chinese and both. For
each it prints the page's size without and with the font, the distinct CJK characters,
the WOFF2 subset's size, and the time to render: cold (subsetting), with the subset read
from the cache folder (a new process, same digest), and from memory (same process).
Then the one-article HTML of examples/shoigu-rare-earths.txt.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def main() -> None:
    os.environ["BRIEFING_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-fonts-")
    from briefing.brief.summarize import summarize_article
    from briefing.digest.period import Window
    from briefing.digest.prepare import prepare
    from briefing.digest.run import build_digest
    from briefing.ingest import read_source
    from briefing.llm.stack import build_stack
    from briefing.render import fonts
    from briefing.render.html import render_brief_html, render_digest_html
    from briefing.settings import resolve_settings

    settings = resolve_settings(require_key=False)
    stack = build_stack(settings, replay=EXAMPLES / "weekly.replay.yaml")
    digest = build_digest(prepare([str(EXAMPLES / "weekly")], Window()), stack.llm, settings)
    print(f"bundled week: {len(digest.briefs)} articles, {len(digest.stories)} stories")
    print(
        f"{'lang':6} {'no font':>10} {'with font':>10} {'CJK chars':>9} {'woff2':>9} "
        f"{'cold s':>7} {'disk s':>7} {'memory s':>8}"
    )
    for lang in ("en", "zh", "both"):
        _row(lang, lambda lang=lang: render_digest_html(digest, lang), fonts)  # type: ignore[misc]

    shoigu = read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0]
    single = build_stack(settings, replay=EXAMPLES / "shoigu-rare-earths.replay.yaml")
    brief = summarize_article(shoigu, single.llm)
    print("one article (shoigu-rare-earths.txt):")
    _row("both", lambda: render_brief_html(brief, "both"), fonts)


def _row(lang: str, render, fonts) -> None:  # type: ignore[no-untyped-def]
    fonts.subset_woff2.cache_clear()
    for cached in Path(os.environ["BRIEFING_CACHE_DIR"], "fonts").glob("*.woff2"):
        cached.unlink()
    start = time.perf_counter()
    page = render()
    cold = time.perf_counter() - start
    fonts.subset_woff2.cache_clear()  # as a new process would: only the cache folder is left
    start = time.perf_counter()
    render()
    disk = time.perf_counter() - start
    start = time.perf_counter()
    render()
    memory = time.perf_counter() - start
    chars = fonts.cjk_characters(page)
    woff2 = fonts.subset_woff2(chars) or b""
    face = len(fonts.font_face(page).encode("utf-8"))
    size = len(page.encode("utf-8"))
    print(
        f"{lang:6} {_kb(size - face):>10} {_kb(size):>10} {len(chars):>9} {_kb(len(woff2)):>9} "
        f"{cold:7.2f} {disk:7.3f} {memory:8.3f}"
    )


def _kb(n: int) -> str:
    return f"{n / 1024:.0f} KB"


if __name__ == "__main__":
    main()
