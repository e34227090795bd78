"""The only way to the model: an openai-SDK client, its settings, replay from cassettes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefing.llm.client import OpenAIChat, make_llm

__all__ = ["OpenAIChat", "make_llm"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing briefing.llm.base (the protocol) does not load the openai SDK.
    if name in __all__:
        from briefing.llm import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
