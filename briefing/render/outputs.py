"""Writing a digest's output files: brief.md, brief.html, brief.pdf, digest.json."""

from __future__ import annotations

from pathlib import Path

from briefing.files import write_atomic
from briefing.models import Digest
from briefing.render.markdown import Lang

FORMATS = ("md", "html", "pdf", "json")
FILE_NAMES = {"md": "brief.md", "html": "brief.html", "pdf": "brief.pdf", "json": "digest.json"}


def write_digest(digest: Digest, folder: Path, formats: list[str], lang: Lang) -> list[Path]:
    """Render the digest in each format into `folder`; every file written atomically."""
    written = []
    for fmt in formats:
        path = folder / FILE_NAMES[fmt]
        if fmt == "md":
            from briefing.render.digest_md import render_digest_markdown

            write_atomic(path, render_digest_markdown(digest, lang))
        elif fmt == "html":
            from briefing.render.html import render_digest_html

            write_atomic(path, render_digest_html(digest, lang))
        elif fmt == "pdf":
            from briefing.render.pdf import render_digest_pdf

            render_digest_pdf(digest, lang, path)
        else:
            write_atomic(path, digest.model_dump_json(indent=2) + "\n")
        written.append(path)
    return written
