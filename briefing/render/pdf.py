"""PDF of a digest or of one brief: Typst source from a template, compiled by the `typst` wheel.

Fonts come from `pylopdf-fonts-zh-cn` (Noto Sans SC, Noto Serif SC) and Typst's own
Libertinus Serif; system fonts are ignored so every machine gives the same PDF, with the
fonts subsetted and embedded. Each citation group is one internal link to the first cited
paragraph, quoted in the appendix after the stories: `[3,5]` inside a brief, `[A2 ¶3]` in a
story. Headings make the PDF outline; the contents link to the stories with their pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from jinja2 import Template

from briefing.errors import EXIT_CONFIG, BriefingError
from briefing.files import write_atomic
from briefing.models import Brief, Digest
from briefing.render.digest_view import brief_view, digest_view
from briefing.render.escape import Trusted, typst_escape, typst_str
from briefing.render.markdown import Lang
from briefing.render.templates import load_template

_FONT_FILES = ("NotoSansSC-Regular.otf", "NotoSerifSC-Regular.otf")
_ANCHOR = re.compile(r"[a-z][a-z0-9-]*")


class PdfError(BriefingError):
    """The PDF cannot be made: a missing font package or a failed compilation."""

    exit_code = EXIT_CONFIG


def font_dir() -> Path:
    """The folder of the Noto SC fonts shipped by `pylopdf-fonts-zh-cn`."""
    hint = "Install the fonts: pip install pylopdf-fonts-zh-cn"
    try:
        import pylopdf_fonts_zh_cn
    except ImportError as exc:
        raise PdfError("The Chinese fonts for PDF output are not installed.", hint) from exc
    folder = pylopdf_fonts_zh_cn.sans_path().parent
    missing = [name for name in _FONT_FILES if not (folder / name).is_file()]
    if missing:
        raise PdfError(f"Font files missing from {folder}: {', '.join(missing)}.", hint)
    return folder


def _finalize(value: object) -> str:
    return value if isinstance(value, Trusted) else typst_escape(value)


def _label(anchor: str) -> Trusted:
    # Anchors are made from validated article ids; refuse anything else rather than emit it.
    if not _ANCHOR.fullmatch(anchor):
        raise ValueError(f"not an anchor: {anchor!r}")
    return Trusted(f"<{anchor}>")


@cache
def _template() -> Template:
    # "escaped" only for macro output: every value in it went through _finalize when it ran.
    filters: dict[str, Callable[..., object]] = {
        "str": typst_str,
        "label": _label,
        "escaped": Trusted,
    }
    return load_template("digest.typ.j2", _finalize, filters)


def digest_typst(digest: Digest, lang: Lang = "en", appendix: bool = True) -> str:
    """The Typst source of a digest, every text from the model or article escaped."""
    view = digest_view(digest, lang, appendix)
    return _template().render(v=view, title=view.ui("title"))


def brief_typst(brief: Brief, lang: Lang = "en") -> str:
    """The Typst source of one brief alone, laid out like a digest article."""
    title = brief.article.title if lang == "zh" else brief.title.en
    return _template().render(v=brief_view(brief, lang), title=title)


def render_digest_pdf(digest: Digest, lang: Lang, output: Path, appendix: bool = True) -> None:
    """Render a digest as a PDF file at `output`, fonts embedded (`appendix`: the cited
    paragraphs after the stories, where the citations link)."""
    _compile(digest_typst(digest, lang, appendix), output, "digest")


def render_brief_pdf(brief: Brief, lang: Lang, output: Path) -> None:
    """Render one article's brief as a PDF file at `output`, fonts embedded."""
    _compile(brief_typst(brief, lang), output, "brief")


def _compile(source: str, output: Path, what: str) -> None:
    fonts = font_dir()
    try:
        import typst
    except ImportError as exc:
        raise PdfError("PDF output needs Typst.", "Install it: pip install typst") from exc
    try:
        pdf = typst.compile(  # type: ignore[misc]  # its stub's overloads defeat inference
            source.encode("utf-8"), font_paths=[str(fonts)], ignore_system_fonts=True
        )
    except typst.TypstError as exc:
        raise PdfError(
            f"Typst could not compile the {what}: {exc}",
            f"This is a bug in briefing's PDF template; please report it with the {what} JSON.",
        ) from exc
    write_atomic(Path(output), pdf)
