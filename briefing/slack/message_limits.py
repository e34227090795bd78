"""Slack's message limits, the tighter budget messages are built to, and a check of both.

Documented by Slack: 50 blocks a message, 3,000 characters in a section's (or any mrkdwn)
text, 150 in a header, 10 elements in a context block, `text` over 40,000 is refused
(`msg_too_long`). Not documented: a message whose blocks add up to about 13,200 characters is
refused with `msg_blocks_too_long` (slackapi/bolt-js#2509). Messages are built to a budget
below that, measured on the blocks' JSON, which is always longer than their text.
"""

from __future__ import annotations

import json
from typing import Any

from briefing.slack.mrkdwn import slack_len

MAX_BLOCKS = 50
MAX_TEXT_OBJECT = 3000  # a section's text, a context element, any text object
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_MESSAGE_TEXT = 40_000
MAX_BLOCKS_JSON = 13_000  # where Slack starts refusing with msg_blocks_too_long

BUDGET_BLOCKS_JSON = 12_000  # what a message is built to: well under MAX_BLOCKS_JSON
BUDGET_FALLBACK = 3000  # the `text` fallback: a notification, not the content

Block = dict[str, Any]


def blocks_json_len(blocks: list[Block]) -> int:
    """The size the budget is measured on: the blocks as JSON, characters as Slack counts."""
    return slack_len(json.dumps(blocks, ensure_ascii=False, separators=(",", ":")))


def violations(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """What Slack would refuse in `payload`, as (error code, detail); empty when it is fine."""
    found: list[tuple[str, str]] = []
    text = payload.get("text")
    blocks = payload.get("blocks") or []
    if not isinstance(text, str) or not text.strip():
        found.append(("no_text", "a `text` fallback is required"))
    elif slack_len(text) > MAX_MESSAGE_TEXT:
        found.append(("msg_too_long", f"text is {slack_len(text)} characters"))
    if len(blocks) > MAX_BLOCKS:
        found.append(("invalid_blocks", f"no more than {MAX_BLOCKS} items allowed [/blocks]"))
    for i, block in enumerate(blocks):
        found += [("invalid_blocks", f"{d} [/blocks/{i}]") for d in _block_problems(block)]
    if blocks and blocks_json_len(blocks) > MAX_BLOCKS_JSON:
        found.append(("msg_blocks_too_long", f"blocks are {blocks_json_len(blocks)} characters"))
    return found


def _block_problems(block: Block) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return _text_problems(block.get("text"), MAX_HEADER, kinds=("plain_text",))
    if kind == "section":
        return _text_problems(block.get("text"), MAX_TEXT_OBJECT)
    if kind == "context":
        elements = block.get("elements") or []
        problems = [] if elements else ["a context needs at least 1 element"]
        if len(elements) > MAX_CONTEXT_ELEMENTS:
            problems.append(f"no more than {MAX_CONTEXT_ELEMENTS} elements allowed")
        for element in elements:
            problems += _text_problems(element, MAX_TEXT_OBJECT)
        return problems
    if kind == "divider":
        return []
    return [f"unsupported block type {kind!r}"]


def _text_problems(
    obj: Any, limit: int, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")
) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in kinds:
        return [f"text must be a text object of type {' or '.join(kinds)}"]
    value = obj.get("text")
    if not isinstance(value, str) or not value:
        return ["text must not be empty"]
    if slack_len(value) > limit:
        return [f"must be less than {limit + 1} characters"]
    return []
