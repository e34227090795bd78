"""One input as read, whatever it was (a file, a line of a JSON Lines feed, a feed item)."""

from __future__ import annotations

from pydantic import field_validator

from briefing.models import Article, Model


class Item(Model):
    """One input as read: its name (file, `feed.jsonl:3`, a feed item's link) and its article
    or error; `warning` when it was read only in part (a feed item's summary for its page),
    `seen` for a feed item an earlier run read (not fetched again, see briefing.state)."""

    input: str
    article: Article | None = None
    error: str | None = None
    warning: str | None = None
    seen: bool = False

    @field_validator("input", "error", "warning")
    @classmethod
    def _printable(cls, text: str | None) -> str | None:
        return None if text is None else printable(text)


def printable(text: str) -> str:
    """`text` with lone surrogates spelled out, so it can be printed and written as JSON.

    A file name whose bytes are not UTF-8 reaches Python with U+DC80-U+DCFF in place of those
    bytes (os.fsdecode): they are shown as the bytes, `\\xff`.
    """
    if text.isascii() or not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return "".join(
        (f"\\x{ord(ch) - 0xDC00:02x}" if "\udc80" <= ch <= "\udcff" else f"\\u{ord(ch):04x}")
        if "\ud800" <= ch <= "\udfff"
        else ch
        for ch in text
    )
