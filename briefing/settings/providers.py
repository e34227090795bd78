"""One entry per provider: where it lives, its key, its output mode, its pace, prices, contexts.

Adding a provider is one `Provider` entry here and a row in tests/test_matrix.py.

Prices are list prices in USD per million tokens (input, output), standard tier, without
cache-hit discounts, as the providers published them on the date given with each table
(`prices_read`); a `[prices]` table in the config file overrides them. A model without a
price has an unknown cost, reported as unknown, never as zero. Context windows are the
providers' published figures; a model in no table is assumed to read 8k tokens, so a long
article sent to it is split early rather than cut off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

StructuredMode = Literal["json_schema", "json_object"]

DEFAULT_CONCURRENCY = 4  # calls at once for a provider without a pace of its own
DEFAULT_CONTEXT = 8_192  # unknown and self-hosted models: llama.cpp and Ollama run small contexts


@dataclass(frozen=True)
class Pace:
    """How hard a weekly run pushes a provider: calls at once, requests and tokens a minute.

    None: no limit of our own (the provider's 429s and their Retry-After still pace us).
    """

    concurrency: int
    rpm: int | None = None
    tpm: int | None = None


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float


@dataclass(frozen=True)
class Provider:
    """Everything briefing knows about one provider."""

    base_url: str | None
    key_env: str | None
    structured: StructuredMode
    model: str | None  # the default model
    pace: Pace
    needs_key: bool = True
    max_tokens: int | None = None
    batch: bool = False  # offers the OpenAI Batch API (/v1/files, /v1/batches)
    prices: Mapping[str, Price] = field(default_factory=dict)
    prices_read: str | None = None  # when the prices were read off the provider's page
    context: Mapping[str, int] = field(default_factory=dict)


# Base URLs and modes from each provider's documentation (see README, Providers).
PROVIDERS: dict[str, Provider] = {
    "openai": Provider(
        "https://api.openai.com/v1",
        "OPENAI_API_KEY",
        "json_schema",
        "gpt-4o-mini",
        # Usage tier 1 for gpt-4o-mini: 500 RPM, 200,000 TPM (OpenAI's model page).
        Pace(8, rpm=500, tpm=200_000),
        batch=True,
        prices={
            "gpt-4o-mini": Price(0.15, 0.60),
            "gpt-4o": Price(2.50, 10.00),
            "gpt-4.1": Price(2.00, 8.00),
            "gpt-4.1-mini": Price(0.40, 1.60),
            "gpt-4.1-nano": Price(0.10, 0.40),
        },
        prices_read="2025-06",
        context={
            "gpt-4o-mini": 128_000,
            "gpt-4o": 128_000,
            "gpt-4.1": 1_047_576,
            "gpt-4.1-mini": 1_047_576,
            "gpt-4.1-nano": 1_047_576,
        },
    ),
    # DeepSeek answers HTTP 400 to json_schema; json_object needs "json" in the prompt.
    "deepseek": Provider(
        "https://api.deepseek.com",
        "DEEPSEEK_API_KEY",
        "json_object",
        "deepseek-chat",
        # "DeepSeek API does NOT constrain user's rate limit"; it answers slowly under load.
        Pace(8),
        # api-docs.deepseek.com/quick_start/pricing-details-usd (cache-miss input price).
        prices={"deepseek-chat": Price(0.27, 1.10), "deepseek-reasoner": Price(0.55, 2.19)},
        prices_read="2025-02",
        context={"deepseek-chat": 64_000, "deepseek-reasoner": 64_000},
    ),
    # DashScope documents json_schema for a few Qwen models only; json_object for all.
    "qwen": Provider(
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "DASHSCOPE_API_KEY",
        "json_object",
        "qwen-plus",
        # Model Studio publishes limits per model; qwen3-max's 600 RPM, 1,000,000 TPM are
        # among the lowest of the current models, so they are safe for qwen-plus too.
        Pace(8, rpm=600, tpm=1_000_000),
        # Model Studio international list prices (input up to 128K tokens).
        prices={
            "qwen-plus": Price(0.40, 1.20),
            "qwen-max": Price(1.60, 6.40),
            "qwen-turbo": Price(0.05, 0.20),
        },
        prices_read="2025-06",
        # Newer qwen-plus snapshots take 1M; 128K is the safe floor.
        context={"qwen-plus": 131_072, "qwen-max": 32_768, "qwen-turbo": 131_072},
    ),
    # Moonshot documents JSON Mode (json_object) and defaults max tokens to 1024 when unset,
    # which cuts a bilingual brief short.
    "moonshot": Provider(
        "https://api.moonshot.cn/v1",
        "MOONSHOT_API_KEY",
        "json_object",
        "moonshot-v1-8k",
        # Tier1 (platform.moonshot.ai/docs/pricing/limits): 50 at once, 200 RPM, 2,000,000
        # TPM. Tier0 allows 1 call at once and 3 RPM: set concurrency = 1, rpm = 3 for it.
        Pace(8, rpm=200, tpm=2_000_000),
        max_tokens=4096,
        prices={
            "moonshot-v1-8k": Price(0.20, 2.00),
            "moonshot-v1-32k": Price(1.00, 3.00),
            "moonshot-v1-128k": Price(2.00, 5.00),
            "kimi-k2-thinking": Price(0.60, 2.50),
            "kimi-k2-turbo-preview": Price(1.15, 8.00),
        },
        prices_read="2025-11",
        context={
            "moonshot-v1-8k": 8_192,
            "moonshot-v1-32k": 32_768,
            "moonshot-v1-128k": 131_072,
            "kimi-k2-thinking": 262_144,
            "kimi-k2-turbo-preview": 262_144,
        },
    ),
    # One local model: parallel requests only queue inside Ollama and eat the timeout.
    "ollama": Provider(
        "http://localhost:11434/v1", None, "json_schema", None, Pace(1), needs_key=False
    ),
    # Its own key variable, so an OpenAI key is never sent to an arbitrary server.
    "openai-compatible": Provider(
        None,
        "BRIEFING_API_KEY",
        "json_schema",
        None,
        Pace(DEFAULT_CONCURRENCY),
        needs_key=False,
        batch=True,
    ),
}


def known_name(table: Mapping[str, object], model: str) -> str | None:
    """The table's name for `model`, allowing dated snapshots (gpt-4o-mini-2024-07-18)."""
    for name in (model, model.rsplit("-20", 1)[0]):
        if name in table:
            return name
    return None


def list_prices() -> dict[str, Price]:
    """Every provider's list prices, by model name."""
    return {name: price for p in PROVIDERS.values() for name, price in p.prices.items()}


def context_window(model: str) -> int:
    """How many tokens `model` reads, prompt and answer together (8k when unknown)."""
    table = {name: size for p in PROVIDERS.values() for name, size in p.context.items()}
    name = known_name(table, model)
    return table[name] if name else DEFAULT_CONTEXT
