"""A brief or digest as Slack messages: units packed into messages within the limits.

Packing is greedy and in reading order. A unit (a story, a group of claims) goes whole into
the current message if it fits, else whole into the next; only a unit too big for any one
message is spread over several, block by block, and the message where it resumes says so.
Blocks are never cut: `blocks.sections` already keeps every one within Slack's limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.models import Brief, Digest
from briefing.render.markdown import Lang
from briefing.slack import mrkdwn as md
from briefing.slack.blocks import FIRST_TS, SlackMessage, Unit, contexts, header, shorten
from briefing.slack.content import Content, brief_content, digest_content
from briefing.slack.message_limits import (
    BUDGET_BLOCKS_JSON,
    BUDGET_FALLBACK,
    MAX_BLOCKS,
    MAX_HEADER,
    Block,
    blocks_json_len,
)

# Room kept in every message for what is added after packing: the header, a line saying
# which unit continues, and (first message) the note that more messages follow.
RESERVED_BLOCKS = 3
RESERVED_JSON = 1200
_CONTINUED_LABEL = 200  # the name repeated on a "(continued)" line is shortened to this


@dataclass
class Piece:
    """Some blocks of one unit placed in a message; `continued` when earlier ones are not."""

    unit: Unit
    blocks: list[Block]
    continued: bool


def build_messages(
    doc: Brief | Digest, lang: Lang = "en", *, threaded: bool = False
) -> list[SlackMessage]:
    """The messages that carry `doc`, in posting order; `threaded`: replies under the first."""
    content = digest_content(doc, lang) if isinstance(doc, Digest) else brief_content(doc, lang)
    pages = pack(content.units)
    return [
        _compose(content, page, number, len(pages), threaded)
        for number, page in enumerate(pages, 1)
    ]


def pack(
    units: list[Unit],
    max_blocks: int = MAX_BLOCKS - RESERVED_BLOCKS,
    max_json: int = BUDGET_BLOCKS_JSON - RESERVED_JSON,
) -> list[list[Piece]]:
    """Units into pages of at most `max_blocks` blocks and `max_json` characters of JSON."""
    pages: list[list[Piece]] = [[]]
    used = [0, 0]  # blocks, JSON characters in the current page

    def room(blocks: int, size: int) -> bool:
        return used[0] + blocks <= max_blocks and used[1] + size <= max_json

    def new_page() -> None:
        pages.append([])
        used[:] = [0, 0]

    for unit in units:
        sizes = [_size(block) for block in unit.blocks]
        whole = (len(sizes), sum(sizes))
        if not room(*whole) and pages[-1] and whole[0] <= max_blocks and whole[1] <= max_json:
            new_page()
        if room(*whole):
            pages[-1].append(Piece(unit, list(unit.blocks), continued=False))
            used[0], used[1] = used[0] + whole[0], used[1] + whole[1]
            continue
        # Too big for any one message: spread it, block by block.
        for i, (block, size) in enumerate(zip(unit.blocks, sizes, strict=True)):
            if not room(1, size):
                new_page()
            last = pages[-1][-1] if pages[-1] else None
            if last is not None and last.unit is unit:
                last.blocks.append(block)
            else:
                pages[-1].append(Piece(unit, [block], continued=i > 0))
            used[0], used[1] = used[0] + 1, used[1] + size
    return [page for page in pages if page]


def _size(block: Block) -> int:
    return blocks_json_len([block]) + 1  # with the comma that separates it from the next


def _compose(
    content: Content, page: list[Piece], number: int, total: int, threaded: bool
) -> SlackMessage:
    suffix = f" ({number}/{total})" if total > 1 else ""
    title = shorten(content.title, MAX_HEADER - len(suffix)) + suffix
    blocks = [header(title)]
    if page[0].continued:
        label = shorten(page[0].unit.label, _CONTINUED_LABEL)
        blocks += contexts([f"_{md.text(label)} {md.text(content.note)}_"], content.note)
    for piece in page:
        blocks += piece.blocks
    if number == 1 and total > 1:
        rest = total - 1
        plural = "message" if rest == 1 else "messages"
        more = content.ui("thread" if threaded else "next", n=rest, messages=plural)
        blocks += contexts([f"_{md.text(more)}_"], content.note)
    return SlackMessage(
        text=_fallback(title, content.summary if number == 1 else "", page),
        blocks=blocks,
        thread_ts=FIRST_TS if threaded and number > 1 else None,
    )


def _fallback(title: str, summary: str, page: list[Piece]) -> str:
    """The notification text: the header, the summary, then what the message holds."""
    labels = "; ".join(piece.unit.label for piece in page if piece.unit.label)
    body = " — ".join(part for part in (summary, labels) if part)
    plain = f"{title}: {body}" if body else title
    # Escaping can lengthen the text; shorten the plain text until the escaped form fits.
    limit = BUDGET_FALLBACK
    while md.slack_len(escaped := md.text(shorten(plain, limit))) > BUDGET_FALLBACK:
        limit -= md.slack_len(escaped) - BUDGET_FALLBACK
    return escaped
