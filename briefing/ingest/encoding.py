"""Bytes to text: BOMs, UTF-8, the Chinese legacy encodings (GBK/GB18030, Big5), binary refusal."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer

from briefing.errors import InputError
from briefing.ingest.article import ANSI_ESCAPE

# File signatures of common binary formats, named in the error so the user sees what they gave.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or a .docx/.xlsx file)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xd0\xcf\x11\xe0", "Microsoft Office document"),
    (b"RIFF", "RIFF media file"),
    (b"\x7fELF", "executable"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Declared names mapped to the superset a browser actually uses: pages labelled gb2312
# routinely contain GBK characters, and GB18030 contains all of GBK.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "utf-8",
}
# Declarations too often wrong to trust (servers default to them): detect instead.
_WEAK = frozenset({"latin_1", "iso8859-1", "cp1252", "utf-8"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Share of control characters above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.02
# Share of common Chinese characters above which a GB18030 or Big5 decoding is taken as right.
_COMMON_SHARE = 0.9
# A few NUL bytes in UTF-8 text are strays (a C string written out whole, a database export),
# dropped like other control characters; more of them are binary data or UTF-16.
_STRAY_NULS = 16
# A file whose lines are in different encodings is read line by line when no more than this
# share of its non-ASCII characters is lost to U+FFFD and most of them read as Chinese.
_MAX_REPLACED_SHARE = 0.1
_MIXED_COMMON_SHARE = 0.8


def _codec_name(label: str) -> str | None:
    """Python's codec name for a declared charset label, mapped to its superset; None if unknown."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _refuse_binary(data: bytes, name: str) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(
                f"{name} is a binary file ({kind}), not text.",
                "Give a .txt, .md, .html, .json or .jsonl file, or an http(s) URL.",
            )
    if b"\x00" in data[:8192]:
        raise InputError(
            f"{name} is a binary file (it contains NUL bytes), not text.",
            "Give a text file; if it is UTF-16 text, save it as UTF-8.",
        )


def _without_stray_nuls(data: bytes) -> bytes:
    """`data` without its NUL bytes when they are a few strays in UTF-8 text, else unchanged."""
    count = data.count(b"\x00")
    if not count or count > max(_STRAY_NULS, len(data) // 1000):
        return data
    cleaned = data.replace(b"\x00", b"")
    return cleaned if _strict(cleaned, "utf-8") is not None else data


def _check_text(text: str, name: str) -> str:
    # Terminal colour codes (ESC [ 31 m) are text formatting, not binary: clean_text drops them.
    sample = ANSI_ESCAPE.sub("", text[:20000])
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f" or ch == "\x7f")
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise InputError(
            f"{name} looks like binary data, not text (too many control characters).",
            "Give a text file, an HTML page or a JSON file.",
        )
    return text


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _common_share(text: str, codec: str, low: int, high: int) -> float:
    """Share of the non-ASCII characters whose `codec` code lies in [low, high]."""
    chars = [ch for ch in text if not ch.isascii()][:5000]
    hits = 0
    for ch in chars:
        try:
            code = int.from_bytes(ch.encode(codec), "big")
        except UnicodeEncodeError:
            continue
        hits += low <= code <= high
    return hits / len(chars) if chars else 0.0


@lru_cache(maxsize=65536)
def _is_common(ch: str) -> bool:
    """True for a character of ordinary Chinese prose, simplified (GB2312) or traditional (Big5)."""
    for codec, low, high in (("gb2312", 0xA1A1, 0xF7FE), ("big5", 0xA140, 0xC67E)):
        try:
            if low <= int.from_bytes(ch.encode(codec), "big") <= high:
                return True
        except UnicodeEncodeError:
            continue
    return False


def _chinese_share(text: str) -> float:
    """Share of the non-ASCII characters (U+FFFD included) that are common Chinese."""
    chars = [ch for ch in text if not ch.isascii()][:20000]
    return sum(map(_is_common, chars)) / len(chars) if chars else 1.0


@dataclass(frozen=True)
class _Lines:
    text: str
    utf8: bool  # some line with non-ASCII characters reads best as UTF-8
    legacy: bool  # some line reads as the legacy encoding
    replaced: bool  # some line fits neither: its bad bytes became U+FFFD

    def good(self) -> bool:
        chars = sum(1 for ch in self.text if not ch.isascii())
        lost = self.text.count("\ufffd")
        return lost <= max(2, chars * _MAX_REPLACED_SHARE) and (
            _chinese_share(self.text) >= _MIXED_COMMON_SHARE
        )


def _legacy_codec(lines: list[bytes]) -> str:
    """GB18030 or Big5, whichever reads the non-UTF-8 lines as more common Chinese."""
    data = b"\n".join(line for line in lines if _strict(line, "utf-8") is None)
    gb = _common_share(data.decode("gb18030", "replace"), "gb2312", 0xA1A1, 0xF7FE)
    big5 = _common_share(data.decode("big5hkscs", "replace"), "big5", 0xA140, 0xC67E)
    return "big5hkscs" if big5 > gb else "gb18030"


def _has_utf8_line(lines: list[bytes]) -> bool:
    """True when some line with non-ASCII bytes is valid UTF-8 (a GBK line almost never is)."""
    return any(not raw.isascii() and _strict(raw, "utf-8") is not None for raw in lines)


def _by_line(lines: list[bytes]) -> _Lines:
    """Each line in the encoding it reads best in: files concatenated from UTF-8 and GBK (or
    Big5) sources. A line in neither gets the reading that keeps more Chinese, U+FFFD for the
    rest: a GBK line with a UTF-8 phrase pasted in keeps its GBK text."""
    legacy = _legacy_codec(lines)
    out: list[str] = []
    kinds: set[str] = set()
    for raw in lines:
        if raw.isascii():
            out.append(raw.decode("ascii"))
            continue
        utf8, other = _strict(raw, "utf-8"), _strict(raw, legacy)
        if utf8 is not None and (other is None or _chinese_share(utf8) >= _chinese_share(other)):
            out.append(utf8)
            kinds.add("utf8")
        elif other is not None:
            out.append(other)
            kinds.add("legacy")
        else:
            readings = (raw.decode("utf-8", "replace"), raw.decode(legacy, "replace"))
            out.append(max(readings, key=_chinese_share))
            kinds.add("replaced")
    return _Lines("\n".join(out), "utf8" in kinds, bool(kinds - {"utf8"}), "replaced" in kinds)


def _detect(data: bytes) -> str | None:
    """Decode non-UTF-8 bytes: line by line when the lines mix UTF-8 with GBK or Big5; GB18030
    or Big5 when the result reads as common Chinese; with U+FFFD for a few bad bytes in such
    text; else charset-normalizer's guess."""
    raw_lines = data.split(b"\n")  # safe: 0x0A is never in a UTF-8, GBK or Big5 character
    lines = _by_line(raw_lines) if _has_utf8_line(raw_lines) else None
    if lines is not None and lines.utf8 and lines.legacy and lines.good():
        return lines.text
    # GB2312 (0xA1A1-0xF7FE) holds the characters of ordinary simplified-Chinese prose; Big5's
    # punctuation and level-1 block (0xA140-0xC67E) those of traditional prose. Bytes in one
    # encoding decoded as the other give mostly characters outside these blocks, which tells
    # the two apart even on a few characters, where statistical detectors guess Korean.
    gb = _strict(data, "gb18030")
    if gb is not None and _common_share(gb, "gb2312", 0xA1A1, 0xF7FE) >= _COMMON_SHARE:
        return gb
    big5 = _strict(data, "big5hkscs")
    if big5 is not None and _common_share(big5, "big5", 0xA140, 0xC67E) >= _COMMON_SHARE:
        return big5
    lines = lines or _by_line(raw_lines)
    if lines.replaced and lines.good():
        return lines.text  # Chinese text with a few bad bytes (a file cut mid-character)
    guess = charset_normalizer.from_bytes(data).best()
    codec = _codec_name(guess.encoding) if guess is not None else None
    text = _strict(data, codec) if codec else None
    if text is not None:
        return text
    return gb if gb is not None else big5


def decode_bytes(data: bytes, *, name: str = "The input") -> str:
    """Text from bytes: BOM, then strict UTF-8, then GBK/GB18030/Big5 and other detection."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is None:
                break
            return _check_text(text.lstrip("\ufeff"), name)
    data = _without_stray_nuls(data)
    _refuse_binary(data, name)
    text = _strict(data, "utf-8")
    if text is None:
        text = _detect(data)
    if text is None:
        raise _undecodable(data, name)
    return _check_text(text, name)


def _undecodable(data: bytes, name: str) -> InputError:
    try:
        data.decode("utf-8")
        where = ""
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        where = f" (it stops being UTF-8 at byte {err.start:,}, line {line:,})"
    return InputError(
        f"{name} could not be decoded as UTF-8{where}, nor as GBK/GB18030, Big5 or any other "
        "known encoding.",
        "Save the file as UTF-8 (most editors: 'Save with encoding' > UTF-8) and retry; if "
        "parts of it were pasted from files in other encodings, save those as UTF-8 first.",
    )


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes (meta charset / http-equiv)."""
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(data: bytes, header_charset: str | None = None, *, name: str = "The page") -> str:
    """Decode a page with its declared charset (HTTP header, then <meta>), else by detection."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = _without_stray_nuls(data)
        _refuse_binary(data, name)
        # Valid UTF-8 wins over a declaration: Chinese GBK pages are never valid UTF-8, but
        # UTF-8 pages still labelled gb2312 after a site migration decode as GBK mojibake.
        utf8 = _strict(data, "utf-8")
        if utf8 is not None:
            return _check_text(utf8, name)
        for label in (header_charset, declared_charset(data)):
            codec = _codec_name(label) if label else None
            if codec is None or codec in _WEAK:
                continue
            text = _strict(data, codec)
            if text is not None:
                return _check_text(text, name)
    return decode_bytes(data, name=name)
