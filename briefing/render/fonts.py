"""The Chinese font embedded in every HTML output, so it renders the same on any machine.

A subset of Noto Sans SC (from `pylopdf-fonts-zh-cn`, the PDF's font) holding only the CJK
characters the page uses, as WOFF2 (fontTools, with brotli) in a data URI in one
@font-face. Latin text keeps the system font: the face declares a CJK unicode-range only.
Subsetting takes seconds for the full font (bench/fonts.py prints the figures), so each
subset is kept by its glyph set: in memory, and as a file in the user cache folder
(`BRIEFING_CACHE_DIR`, else the platform's), so a rerun of the same digest does not pay
for it again. Without the font package the page keeps the system fonts, with a warning.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from briefing.llm.cache import default_cache_path

log = logging.getLogger(__name__)

FAMILY = "Briefing Noto Sans SC"  # the embedded face; templates/digest.css names it first
FONT_FILE = "NotoSansSC-Regular.otf"
# CJK radicals, symbols and punctuation, kana, unified ideographs (and extension A), the
# compatibility ideographs, vertical and small forms, full-width forms, extension B and on.
RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3040, 0x30FF),
    (0x3100, 0x31FF),
    (0x3200, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3134F),
)
_VERSION = "1"  # of the subsetting options below: a change makes new cache files


def cjk_characters(text: str) -> str:
    """The distinct characters of `text` the embedded face draws, in code point order."""
    return "".join(sorted({c for c in text if _cjk(ord(c))}))


def font_face(text: str) -> Markup:
    """The @font-face rule embedding the CJK glyphs of `text`; empty when there are none or
    the font is not installed."""
    chars = cjk_characters(text)
    if not chars:
        return Markup("")
    woff2 = subset_woff2(chars)
    if woff2 is None:
        return Markup("")
    data = base64.b64encode(woff2).decode("ascii")
    ranges = ", ".join(f"U+{lo:X}-{hi:X}" for lo, hi in RANGES)
    # Our own CSS: the data is base64, the family and ranges are constants.
    return Markup(
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 400; '
        f"font-display: block; unicode-range: {ranges}; "
        f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}'
    )


@lru_cache(maxsize=16)
def subset_woff2(chars: str) -> bytes | None:
    """Noto Sans SC cut down to `chars`, as WOFF2 bytes; None without the font package."""
    source = _font_path()
    if source is None:
        return None
    key = hashlib.sha256(f"{_VERSION}\0{source.stat().st_size}\0{chars}".encode()).hexdigest()
    cached = _cache_dir() / f"{key[:32]}.woff2"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    woff2 = _subset(source, chars)
    try:
        _keep(cached, woff2)
    except OSError as exc:  # only the caching is lost: the page still gets its font
        log.warning("Could not keep the font subset in %s: %s", cached, exc)
    return woff2


def _subset(source: Path, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False  # a screen font at text sizes; halves the file
    options.desubroutinize = True  # compresses better under brotli
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright, names, licence (OFL)
    options.name_languages = [0x409]
    options.notdef_outline = True
    options.layout_features = ["vert", "vrt2", "locl", "halt", "palt"]
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _keep(path: Path, data: bytes) -> None:
    """Write the cache file whole or not at all (not one of the run's outputs, so not staged
    with them by briefing.files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _font_path() -> Path | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        log.warning("pylopdf-fonts-zh-cn is not installed: the HTML uses the system fonts")
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path()).parent / FONT_FILE
    if not path.is_file():
        log.warning("%s is missing: the HTML uses the system fonts", path)
        return None
    return path


def _cache_dir() -> Path:
    return default_cache_path().parent / "fonts"


def _cjk(code: int) -> bool:
    return any(lo <= code <= hi for lo, hi in RANGES)
