"""Publication dates: find them in free text and write them as ISO 8601."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

# Year, month, day in the forms Chinese and international pages print:
# 2025-10-25, 2025/10/25, 2025.10.25, 2025年10月25日, optionally followed by a time
# 12:49, 12:49:00, 12时49分, and an ISO fraction or zone, which is read past.
DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)"
    r"\s*日?"
    r"(?:(?:\s*[T\s]\s*|\s*)(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})"
    r"(?:\s*[:：分]\s*(?P<S>\d{2}))?(?:\.\d+)?)?"
)


def parse_date(match: re.Match[str]) -> str | None:
    """The ISO form of one DATE_RE match, or None when it is not a real date or time."""
    y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
    try:
        if match["H"] is None:
            return date(y, m, d).isoformat()
        second = int(match["S"]) if match["S"] else 0
        return datetime(y, m, d, int(match["H"]), int(match["M"]), second).isoformat()
    except ValueError:
        return None


def normalise_published(value: object) -> str | None:
    """`value` as ISO 8601 (`2025-10-25T12:49:00`, or `2025-10-25` for a date); None if unknown.

    A zone is dropped: the time kept is the local time the source printed, as the
    Article contract asks, so dates from different inputs compare as printed.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    # Full-width digits and colons (２０２５年) occur in Chinese pages; NFKC is safe here
    # because the result is only ever digits and separators.
    text = unicodedata.normalize("NFKC", value.strip())
    match = DATE_RE.search(text)
    return parse_date(match) if match else None


def find_dates(text: str) -> list[tuple[str, str]]:
    """Every valid date in `text`, in order, each with the few characters printed before it."""
    text = unicodedata.normalize("NFKC", text)
    found: list[tuple[str, str]] = []
    for match in DATE_RE.finditer(text):
        iso = parse_date(match)
        if iso:
            found.append((iso, text[max(0, match.start() - 8) : match.start()]))
    return found
