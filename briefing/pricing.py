"""What a run costs: USD per million tokens, and how much a model can read, by model.

Prices are OpenAI's published list prices (standard tier) as of 2025; a model not listed has
no known price and its cost is reported as unknown rather than as zero. Context windows are
the providers' published figures; an unknown model is assumed to read 8k tokens.
"""

from __future__ import annotations

from briefing.models import Usage

# model: (input, output) in USD per 1M tokens
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}


# model: context window in tokens
CONTEXT: dict[str, int] = {
    "gpt-4o-mini": 128_000,
    "gpt-4o": 128_000,
    "gpt-4.1": 1_047_576,
    "gpt-4.1-mini": 1_047_576,
    "gpt-4.1-nano": 1_047_576,
    "deepseek-chat": 64_000,  # 64K in DeepSeek's table for V3; later versions list 128K
    "qwen-plus": 131_072,  # newer qwen-plus snapshots take 1M; 128K is the safe floor
    "moonshot-v1-8k": 8_192,
    "moonshot-v1-32k": 32_768,
    "moonshot-v1-128k": 131_072,
}
DEFAULT_CONTEXT = 8_192  # unknown and self-hosted models: llama.cpp and Ollama run small contexts


def _known(table: dict[str, object], model: str) -> str | None:
    """The table's name for `model`, allowing dated snapshots (gpt-4o-mini-2024-07-18)."""
    for name in (model, model.rsplit("-20", 1)[0]):
        if name in table:
            return name
    return None


def context_window(model: str) -> int:
    """How many tokens `model` reads, prompt and answer together."""
    name = _known(CONTEXT, model)  # type: ignore[arg-type]
    return CONTEXT[name] if name else DEFAULT_CONTEXT


_overrides: dict[str, tuple[float, float]] = {}


def set_prices(prices: dict[str, tuple[float, float]]) -> None:
    """Prices from the config file's `[prices]` table, taking precedence over the list above."""
    _overrides.clear()
    _overrides.update(prices)


def cost_usd(model: str, usage: Usage) -> float | None:
    """The cost of `usage` on `model`, or None when the model's price is unknown."""
    table = {**PRICES, **_overrides}
    name = _known(table, model)  # type: ignore[arg-type]
    if name is None:
        return None
    price = table[name]
    cost = usage.prompt_tokens * price[0] + usage.completion_tokens * price[1]
    return round(cost / 1_000_000, 6)
