"""Writing a digest's output files: brief.md, brief.html, brief.pdf, digest.json."""

from __future__ import annotations

from pathlib import Path

from briefing.files import write_atomic, written_together
from briefing.models import Digest
from briefing.render.markdown import Lang

FORMATS = ("md", "html", "pdf", "json")
FILE_NAMES = {"md": "brief.md", "html": "brief.html", "pdf": "brief.pdf", "json": "digest.json"}


def write_digest(
    digest: Digest, folder: Path, formats: list[str], lang: Lang, appendix: bool = True
) -> list[Path]:
    """Render the digest in each format into `folder`: all the files replaced, or none.
    `appendix`: Markdown, HTML and PDF end with the cited paragraphs (JSON has them all).

    Every format is written in full to a temporary file in `folder` first (where a full disk
    shows), then all are renamed into place (briefing.files.written_together). On an OSError
    the old files are all left as they were: briefing.files.NotWritten, an OSError whose
    strerror names them. Ctrl-C or SIGTERM while they are renamed waits until all are.
    """
    paths = [folder / FILE_NAMES[fmt] for fmt in formats]
    with written_together(paths):
        for fmt, path in zip(formats, paths, strict=True):
            if fmt == "md":
                from briefing.render.digest_md import render_digest_markdown

                write_atomic(path, render_digest_markdown(digest, lang, appendix))
            elif fmt == "html":
                from briefing.render.html import render_digest_html

                write_atomic(path, render_digest_html(digest, lang, appendix))
            elif fmt == "pdf":
                from briefing.render.pdf import render_digest_pdf

                render_digest_pdf(
                    digest, lang, path, appendix
                )  # its write_atomic waits for the others
            else:
                write_atomic(path, digest.model_dump_json(indent=2) + "\n")
    return paths
