"""What every command shares: language and format choices, model options, errors, output."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.errors import BriefingError, InputError
from briefing.signals import EXIT_TERMINATED, exit_code

if TYPE_CHECKING:
    from briefing.config import Settings
    from briefing.llm.base import LLM


class Lang(StrEnum):
    en = "en"
    zh = "zh"
    both = "both"


class Format(StrEnum):
    md = "md"
    json = "json"


ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name (env BRIEFING_MODEL).")]
ProviderOpt = Annotated[
    str | None,
    typer.Option(
        "--provider",
        help="openai, deepseek, qwen, moonshot, ollama, openai-compatible, or "
        "langchain:package.module:ClassName.",
    ),
]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="An OpenAI-compatible endpoint URL.")
]
ReplayOpt = Annotated[
    Path | None,
    typer.Option("--replay", help="Answer from a recorded cassette instead of the network."),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Ask the model even if the answer is cached.")
]
MaxCostOpt = Annotated[
    float | None,
    typer.Option("--max-cost", min=0, metavar="USD", help="Stop before spending more than this."),
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the rendered brief.")]


def err(text: str) -> None:
    """A line on stderr: progress, reports and errors never mix with the output."""
    typer.echo(text, err=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn domain errors into a message on stderr and their exit code; no traceback."""
    try:
        yield
    except BriefingError as exc:
        if os.environ.get("BRIEFING_TRACEBACK"):
            raise
        from briefing.logs import SECRETS  # each error masks its own; this is the last guard

        err(f"Error: {SECRETS(exc.message)}")
        if exc.hint:
            err(SECRETS(exc.hint))
        _notes(exc)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (briefing.signals.Terminated)
        code = exit_code(exc)
        err("Terminated." if code == EXIT_TERMINATED else "Interrupted.")
        _notes(exc)
        raise typer.Exit(code) from None


def _notes(exc: BaseException) -> None:
    """What the exception's notes add, e.g. which outputs were left as they were."""
    from briefing.logs import SECRETS

    for note in getattr(exc, "__notes__", ()):
        err(SECRETS(str(note)))


def emit(text: str, output: Path | None) -> None:
    """Write the output to a file (atomically) or to stdout when there is none or it is '-'."""
    from briefing.files import write_atomic

    if output is None or str(output) == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        raise InputError(
            f"Cannot write {output}: {exc.strerror}.", "Choose a writable path with -o."
        ) from exc
    err(f"Wrote {output}")


def settings_for(
    model: str | None, provider: str | None, base_url: str | None, replay: Path | None
) -> Settings:
    """The settings the model options resolve to (a replay needs no key)."""
    from briefing.config import resolve_settings

    return resolve_settings(
        provider=provider, model=model, base_url=base_url, require_key=replay is None
    )


def make_client(
    settings: Settings,
    replay: Path | None,
    *,
    no_cache: bool = False,
    max_cost: float | None = None,
    rate_limited: bool = True,
) -> LLM:
    """The model client chain: cache, then spending cap, then rate limiter, then the client.

    The cache is outermost so an answer from it spends neither budget nor rate.
    """
    from briefing.limits import RateLimitedLLM, RateLimiter
    from briefing.llm import make_llm
    from briefing.llm.budget import BudgetLLM
    from briefing.llm.cache import CachedLLM, ResponseCache

    # Replays cost nothing, so they neither read nor fill the cache.
    cache = None if no_cache or replay is not None else ResponseCache()
    if replay is not None:
        return make_llm(settings, replay=replay)
    limiter = RateLimiter(settings.rpm, settings.tpm) if rate_limited else None
    # The limiter is the client's sleep between retries: a Retry-After holds every call back.
    llm = make_llm(settings, cache=cache, **({"sleep": limiter.pause} if limiter else {}))
    cached = llm if isinstance(llm, CachedLLM) else None
    inner = cached.inner if cached else llm
    if limiter is not None:
        inner = RateLimitedLLM(inner, limiter)
    if max_cost is not None:
        inner = BudgetLLM(inner, max_cost)
    if cached is None:
        return inner
    cached.inner = inner
    return cached


def retried(llm: LLM) -> int:
    """How many calls the client at the end of the chain tried again after a failure."""
    link: object = llm
    while link is not None:
        if isinstance(count := getattr(link, "retried", None), int):
            return count
        link = getattr(link, "inner", None)
    return 0
