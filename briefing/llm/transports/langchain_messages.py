"""Between briefing's chat messages and LangChain's: the conversation out, the answer back.

LangChain is imported inside each function, so that importing this module needs none.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import BaseModel

from briefing.llm.base import ChatMessage
from briefing.llm.schema import schema_instructions, strict_schema
from briefing.models import Usage

if TYPE_CHECKING:
    from langchain_core.messages import AIMessage, BaseMessage


def to_langchain(messages: list[ChatMessage]) -> list[BaseMessage]:
    """The conversation as LangChain messages."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m.role](content=m.content) for m in messages]


def with_schema(conversation: list[BaseMessage], schema: type[BaseModel]) -> list[BaseMessage]:
    """JSON mode: the schema appended to the system message (one is added if none)."""
    from langchain_core.messages import SystemMessage

    text = schema_instructions(strict_schema(schema))
    if conversation and isinstance(conversation[0], SystemMessage):
        first = conversation[0]
        return [SystemMessage(content=f"{first.content}\n\n{text}"), *conversation[1:]]
    return [SystemMessage(content=text), *conversation]


def reask_messages(message: AIMessage, raw: str, text: str) -> list[BaseMessage]:
    """The answer and the re-ask `text`. After a tool call, the re-ask is that call's result:
    providers reject a tool call that no tool message answers."""
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

    calls = [c for c in (message.tool_calls or []) if c.get("id")]
    if calls:
        return [
            message,
            *(ToolMessage(content=text, tool_call_id=c["id"]) for c in calls),
        ]
    return [AIMessage(content=raw), HumanMessage(content=text)]


def answer_text(message: AIMessage) -> str:
    """The JSON the model wrote: the first tool call's arguments, else the text content."""
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return json.dumps(calls[0]["args"], ensure_ascii=False)
    invalid = getattr(message, "invalid_tool_calls", None) or []
    if invalid:
        return str(invalid[0].get("args") or "")
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(
        part if isinstance(part, str) else str(part.get("text", ""))
        for part in content
        if isinstance(part, str) or part.get("type") == "text"
    )


def usage_of(message: AIMessage) -> Usage:
    """The tokens an answer cost, from the message's `usage_metadata`."""
    meta = getattr(message, "usage_metadata", None)
    if not meta:  # the class does not report usage: unknown, not zero
        return Usage(unmetered=1)
    return Usage(
        prompt_tokens=int(meta.get("input_tokens") or 0),
        completion_tokens=int(meta.get("output_tokens") or 0),
    )


def model_of(message: AIMessage) -> str | None:
    """The model that answered, when the provider says."""
    meta = getattr(message, "response_metadata", None) or {}
    name = meta.get("model_name") or meta.get("model")
    return str(name) if name else None
