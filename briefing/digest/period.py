"""The period a weekly run covers: --since/--until, or an ISO week like 2025-W43."""

from __future__ import annotations

import re
from datetime import date, timedelta

from briefing.errors import InputError
from briefing.models import Model, Period

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


class Window(Model):
    """Inclusive bounds; an open side is None."""

    since: date | None = None
    until: date | None = None

    def holds(self, published: str | None) -> bool:
        """Whether an article published then falls inside (an undated one always does)."""
        day = published_day(published)
        if day is None:
            return True
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


def published_day(published: str | None) -> date | None:
    """The date part of an Article's ISO `published`, if it has one."""
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def parse_window(since: str | None, until: str | None, week: str | None) -> Window:
    """The window from the options; InputError with an example when one is malformed."""
    if week and (since or until):
        raise InputError(
            "--week cannot be combined with --since or --until.",
            "Give either --week 2025-W43, or --since/--until dates.",
        )
    if week:
        match = _WEEK.match(week.strip())
        if not match:
            raise InputError(f"--week {week!r} is not an ISO week.", "Write it like 2025-W43.")
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            hint = "ISO weeks run from W01 to W52 or W53."
            raise InputError(f"{week} does not exist.", hint) from None
        return Window(since=monday, until=monday + timedelta(days=6))
    window = Window(since=_day(since, "--since"), until=_day(until, "--until"))
    if window.since and window.until and window.since > window.until:
        raise InputError(f"--since {since} is after --until {until}.", "Swap the two dates.")
    return window


def _day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date.", "Write it as YYYY-MM-DD.") from None


def covered(window: Window, published: list[str | None]) -> Period:
    """The period to print: the window's bounds, else the articles' earliest and latest days."""
    days = sorted(d for d in map(published_day, published) if d is not None)
    start = window.since or (days[0] if days else None)
    end = window.until or (days[-1] if days else None)
    return Period(start=start.isoformat() if start else "", end=end.isoformat() if end else "")
