"""What a run costs: USD per million tokens, by model.

Prices are OpenAI's published list prices (standard tier) as of 2025; a model not listed has
no known price and its cost is reported as unknown rather than as zero.
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


def cost_usd(model: str, usage: Usage) -> float | None:
    """The cost of `usage` on `model`, or None when the model's price is unknown."""
    price = PRICES.get(model) or PRICES.get(model.rsplit("-20", 1)[0])  # dated snapshots
    if price is None:
        return None
    cost = usage.prompt_tokens * price[0] + usage.completion_tokens * price[1]
    return round(cost / 1_000_000, 6)
