"""What every command shares: language and format choices, model options, errors, output."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from briefing.counts import count as count  # the commands import it from here
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


ModelOpt = Annotated[
    str | None, typer.Option("--model", metavar="NAME", help="Model name (env BRIEFING_MODEL).")
]
ProviderOpt = Annotated[
    str | None,
    typer.Option(
        "--provider",
        metavar="NAME",
        help="openai, deepseek, qwen, moonshot, ollama, openai-compatible, or "
        "langchain:package.module:ClassName.",
    ),
]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", metavar="URL", help="An OpenAI-compatible endpoint URL.")
]
ReplayOpt = Annotated[
    Path | None,
    typer.Option(
        "--replay", metavar="FILE", help="Answer from a recorded cassette instead of the network."
    ),
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


def colour(stream: TextIO) -> bool:
    """Colour on a terminal; never with NO_COLOR set (no-color.org); always with FORCE_COLOR."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_LABELS = {"Error:": "red", "Warning:": "yellow"}


def err(text: str) -> None:
    """A line on stderr: progress, reports and errors never mix with the output.

    A line that starts with "Error:" or "Warning:" has it in bold red or yellow when stderr
    is a colour terminal (see `colour`); model and article text is never styled.
    """
    stream = sys.stderr
    if colour(stream):
        lines = []
        for line in text.split("\n"):
            label = next((k for k in _LABELS if line.startswith(k)), None)
            if label:
                line = typer.style(label, fg=_LABELS[label], bold=True) + line[len(label) :]
            lines.append(line)
        typer.echo("\n".join(lines), err=True, color=True)
        return
    typer.echo(text, err=True, color=False)


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
