"""Pages of the bundled week's PDF digest: the README's example, replayed (no key, no network).

Run from the repository root:  python bench/pages.py

Runs `briefing weekly examples/weekly --replay examples/weekly.replay.yaml --lang both` into a
temporary folder, then renders its digest.json again with and without the appendix of cited
paragraphs, and with a stand-in week in brief of 8 points (each story's first statement, in
both languages, with its citations: the size real points take; not a model's output), and
prints the page count of each.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

from briefing.models import Digest, StoryClaim
from briefing.render.pdf import render_digest_pdf

ROOT = Path(__file__).resolve().parent.parent


def _pages(digest: Digest, out: Path, appendix: bool) -> int:
    render_digest_pdf(digest, "both", out, appendix)
    return len(PdfReader(out).pages)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "weekly-brief"
        command = [
            str(Path(sys.executable).parent / "briefing"), "weekly", "examples/weekly",
            "--replay", "examples/weekly.replay.yaml", "-o", str(folder), "--lang", "both",
        ]  # fmt: skip
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        written = len(PdfReader(folder / "brief.pdf").pages)
        print(f"{'brief.pdf as written by the command':<52} {written:>3} pages")
        digest = Digest.model_validate_json((folder / "digest.json").read_text(encoding="utf-8"))
        out = Path(tmp) / "again.pdf"
        points = [
            StoryClaim(
                en=s.summary.en.split("; ")[0],
                zh=s.summary.zh.split("；")[0],
                cites=s.summary.cites[:2],
            )
            for s in digest.stories
        ]
        points += [
            StoryClaim(en=c.en, zh=c.zh, cites=c.cites) for c in digest.stories[0].claims[:2]
        ]
        week = digest.model_copy(update={"week": points[:8]})
        for label, d, appendix in (
            ("appendix", digest, True),
            ("no appendix", digest, False),
            (f"appendix + stand-in week of {len(week.week)} points", week, True),
        ):
            print(f"{label:<52} {_pages(d, out, appendix):>3} pages")


if __name__ == "__main__":
    main()
