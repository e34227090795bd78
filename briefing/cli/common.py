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
    from briefing.llm.stack import Stack
    from briefing.models import Sampling, Verification
    from briefing.settings import Settings


# `-h` as well as `--help`, on the app and every sub-app.
HELP = {"help_option_names": ["-h", "--help"]}


class Lang(StrEnum):
    en = "en"
    zh = "zh"
    both = "both"


class Format(StrEnum):
    md = "md"
    json = "json"
    html = "html"
    pdf = "pdf"


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
TemperatureOpt = Annotated[
    float | None,
    typer.Option(
        "--temperature",
        min=0,
        max=2,
        help="Sampling temperature [default: `temperature` in "
        "the provider's config table, else the server's].",
    ),
]
SeedOpt = Annotated[
    int | None,
    typer.Option("--seed", help="Sampling seed, for servers that honour one (config: `seed`)."),
]
MaxTokensOpt = Annotated[
    int | None,
    typer.Option("--max-tokens", min=1, help="Most tokens one answer may take (`max_tokens`)."),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout", min=0.001, metavar="SECONDS", help="One call's timeout (`timeout`; 120)."
    ),
]
VerifyOpt = Annotated[
    bool,
    typer.Option(
        "--verify",
        help="One more call per brief: a second reader judges whether each claim's cited "
        "paragraphs support it (not-supported findings, citation precision and recall).",
    ),
]


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
        try:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader is gone (`| head -1`): what it wanted it has. As Python's docs on
            # SIGPIPE recommend, point stdout at devnull so the flush at exit cannot fail too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        raise InputError(
            f"Cannot write {output}: {exc.strerror}.", "Choose a writable path with -o."
        ) from exc
    err(f"Wrote {output}")


def settings_for(
    model: str | None,
    provider: str | None,
    base_url: str | None,
    replay: Path | None,
    sampling: Sampling | None = None,
) -> Settings:
    """The settings the model options resolve to (a replay needs no key)."""
    from briefing.settings import resolve_settings

    return resolve_settings(
        provider=provider,
        model=model,
        base_url=base_url,
        require_key=replay is None,
        sampling=sampling,
    )


def make_stack(
    settings: Settings,
    replay: Path | None,
    *,
    no_cache: bool = False,
    max_cost: float | None = None,
    rate_limited: bool = True,
) -> Stack:
    """The client stack the model options ask for (briefing.llm.stack builds it)."""
    from briefing.llm.stack import build_stack

    return build_stack(
        settings,
        replay=replay,
        cache=not no_cache,
        max_cost=max_cost,
        rate_limited=rate_limited,
    )


def count(n: int, word: str, plural: str | None = None) -> str:
    """`1 story`, `2 stories`, `0 answers`: a count as a message reads it."""
    if n == 1:
        return f"{n:,} {word}"
    if plural is None:
        plural = (
            word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"
        )
    return f"{n:,} {plural}"


def cost_text(cost: float | None) -> str:
    """A cost as a run's report shows it."""
    return "unknown cost" if cost is None else f"${cost:.4f}"


def verification_text(v: Verification) -> str:
    """The second reader's figures (--verify) as a run's report shows them."""
    recall = "n/a" if v.recall is None else f"{v.recall:.0%}"
    precision = "n/a" if v.precision is None else f"{v.precision:.0%}"
    unjudged = f", {v.unjudged} not judged" if v.unjudged else ""
    return (
        f"Verified: {v.supported} supported, {v.partly} partly, {v.not_supported} not supported"
        f"{unjudged} · citation recall {recall}, precision {precision}"
    )
