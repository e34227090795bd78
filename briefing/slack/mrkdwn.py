"""Slack mrkdwn from model and article text: text is data, never markup, mentions or links.

Slack gives `&`, `<` and `>` a meaning and has no escape character for its formatting marks,
so data text gets the three entities and look-alikes for `* _ ~ \\``; only http(s) addresses
become `<url|label>` links. Bidi and control characters are dropped first (render.escape.clean).
"""

from __future__ import annotations

import re

from briefing.render.escape import flat, http_url

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Slack has no backslash escape: a mark from the data becomes a character that looks the same
# but cannot open or close bold, italics, strike-through or code.
_LOOKALIKES = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
_BAR = "\u2223"  # looks like `|`, which would end a link's label early
_SPECIAL = re.compile(r"[&<>*_~`]")
# `@channel`, `@here` and `@everyone` notify a whole channel where names are parsed; a word
# joiner after the `@` keeps the word visible but unparsed (`<!channel>` is inert once `<`
# is escaped).
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
# In plain text a `<` is shown as is; a word joiner after it keeps any `<!here>`, `<@U…>`,
# `<#C…>` or `<http://…|…>` from ever being read as a control sequence.
_CONTROL_START = re.compile(r"<(?=\S)")
_LINK_SPAN = re.compile(r"<[^<>]*>")
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_SENTENCE_END = re.compile(r"(?<=[。！？；.!?])\s*")


def text(value: object) -> str:
    """Make data text inert in mrkdwn: one line, no markup, mentions or links from it."""
    escaped = _SPECIAL.sub(lambda m: _ENTITIES.get(m[0]) or _LOOKALIKES[m[0]], flat(value))
    return _BROADCAST.sub("@\u2060", escaped)


def plain(value: object) -> str:
    """Text for a plain_text object (a header): one line, no `<!here>`, `<@U…>`, `@channel`."""
    return _BROADCAST.sub("@\u2060", _CONTROL_START.sub("<\u2060", flat(value)))


def bold(value: object) -> str:
    """Data text shown in bold."""
    inner = text(value)
    return f"*{inner}*" if inner else ""


def link(url: str | None, label: object) -> str:
    """`<url|label>` when `url` is http(s); otherwise the label alone, as inert text."""
    safe = http_url(url)
    shown = text(label)
    if safe is None:
        return shown
    # `|` ends the address and `>` the link: encode them in the address, swap `|` in the label.
    address = safe.replace("&", "&amp;").replace("|", "%7C")
    return f"<{address}|{shown.replace('|', _BAR)}>"


def slack_len(value: str) -> int:
    """Length as Slack counts it (UTF-16 code units): an emoji counts two."""
    return len(value.encode("utf-16-le", "surrogatepass")) // 2


def fit(line: str, limit: int, note: str) -> list[str]:
    """Pieces of a mrkdwn line within `limit`, cut at sentence ends; `note` opens later ones."""
    pieces: list[str] = []
    rest = line
    while True:
        prefix = f"{note} " if pieces else ""
        room = limit - slack_len(prefix)
        if slack_len(rest) <= room:
            pieces.append(prefix + rest)
            return pieces
        cut = _cut_point(rest, room)
        pieces.append(prefix + rest[:cut].rstrip())
        rest = rest[cut:].lstrip()


def _cut_point(line: str, limit: int) -> int:
    """The best place to cut `line` so the head is at most `limit` long: never inside a link
    or an entity; a sentence end first, then a space, then any character."""
    head = _prefix_within(line, limit)
    protected = [(m.start(), m.end()) for m in _LINK_SPAN.finditer(line)]
    protected += [(m.start(), m.end()) for m in _ENTITY.finditer(line)]

    def allowed(i: int) -> bool:
        return 0 < i <= head and not any(start < i < end for start, end in protected)

    for pattern in (_SENTENCE_END, re.compile(r"\s+")):
        cuts = [m.end() for m in pattern.finditer(line, 0, head) if allowed(m.end())]
        if cuts:
            return cuts[-1]
    cuts = [i for i in range(head, 0, -1) if allowed(i)]
    # A single link longer than the limit cannot be kept whole; cut it rather than loop.
    return cuts[0] if cuts else head


def _prefix_within(line: str, limit: int) -> int:
    """How many characters of `line` fit in `limit` UTF-16 code units."""
    used = 0
    for i, char in enumerate(line):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return i
    return len(line)
