"""Block Kit pieces: the message model, blocks, and text packed into blocks within the limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefing.models import Model
from briefing.slack.message_limits import MAX_CONTEXT_ELEMENTS, MAX_HEADER, MAX_TEXT_OBJECT, Block
from briefing.slack.mrkdwn import fit, plain, slack_len

# Stands for the first message's `ts` in thread replies until that message is posted.
FIRST_TS = "<first>"


class SlackMessage(Model):
    """One message as sent to Slack: the `text` fallback, the blocks, the thread it replies in."""

    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None

    def payload(self) -> dict[str, Any]:
        """The JSON body as sent (no `thread_ts` key outside a thread)."""
        return self.model_dump(exclude_none=True)


@dataclass
class Unit:
    """Blocks that belong together (a story, a group of claims) and their plain-text name."""

    # Listed in the notification text; repeated where a later message resumes the unit.
    label: str
    blocks: list[Block]


def header(value: str) -> Block:
    """A header block: plain text, so no entities; only mentions are defused."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": shorten(plain(value), MAX_HEADER)},
    }


def sections(items: list[str], note: str) -> list[Block]:
    """mrkdwn items packed into few sections; an item is split only if longer than a section."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in _pack(items, note)
    ]


def contexts(items: list[str], note: str) -> list[Block]:
    """mrkdwn lines shown small (sources, dates, counts): context blocks within the limits."""
    elements = [{"type": "mrkdwn", "text": chunk} for chunk in _pack(items, note)]
    return [
        {"type": "context", "elements": elements[i : i + MAX_CONTEXT_ELEMENTS]}
        for i in range(0, len(elements), MAX_CONTEXT_ELEMENTS)
    ]


def shorten(value: str, limit: int) -> str:
    """Plain text cut to `limit` with an ellipsis; only for text also shown in full elsewhere."""
    if slack_len(value) <= limit:
        return value
    out = value
    while slack_len(out) > limit - 1:
        out = out[:-1]
    return out.rstrip() + "…"


def _pack(items: list[str], note: str) -> list[str]:
    chunks: list[str] = []
    for item in items:
        for piece in fit(item, MAX_TEXT_OBJECT, note):
            joined = f"{chunks[-1]}\n{piece}" if chunks else piece
            if chunks and slack_len(joined) <= MAX_TEXT_OBJECT:
                chunks[-1] = joined
            else:
                chunks.append(piece)
    return chunks
