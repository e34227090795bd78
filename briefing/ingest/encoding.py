"""Bytes to text: BOMs, UTF-8, the Chinese legacy encodings (GBK/GB18030, Big5), binary refusal."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from briefing.errors import InputError

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
_HELP_ENCODING = "Save the file as UTF-8 (most editors: 'Save with encoding' > UTF-8) and retry."


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


def _check_text(text: str, name: str) -> str:
    sample = text[:20000]
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


def _detect(data: bytes) -> str | None:
    """Decode non-UTF-8 bytes: GB18030 or Big5 when the result reads as common Chinese, else
    charset-normalizer's guess."""
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
    _refuse_binary(data, name)
    text = _strict(data, "utf-8")
    if text is None:
        text = _detect(data)
    if text is None:
        raise InputError(
            f"{name} could not be decoded as UTF-8, GBK/GB18030, Big5 or any other known encoding.",
            _HELP_ENCODING,
        )
    return _check_text(text, name)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes (meta charset / http-equiv)."""
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(data: bytes, header_charset: str | None = None, *, name: str = "The page") -> str:
    """Decode a page with its declared charset (HTTP header, then <meta>), else by detection."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
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
