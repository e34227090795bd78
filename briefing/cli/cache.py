"""`briefing cache stats` and `briefing cache clear`: the response cache."""

from __future__ import annotations

from typing import Annotated

import typer

from briefing.cli.common import HELP, count, user_errors
from briefing.cli.help import Command, Group

cache_app = typer.Typer(
    cls=Group,
    context_settings=HELP,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="The cache of model answers.",
)


@cache_app.command(cls=Command)
def stats() -> None:
    """Where the cache is, how many answers it holds and what they cost to get."""
    from briefing.llm.cache import ResponseCache

    with user_errors():
        s = ResponseCache().stats()
    typer.echo(f"{s.path}")
    typer.echo(
        f"{count(s.answers, 'answer')}, {s.prompt_tokens:,} tokens in and {s.completion_tokens:,} "
        f"out when first asked, {s.bytes / 1_000_000:.1f} MB"
    )
    if s.answers:
        typer.echo(f"oldest {s.oldest}, newest {s.newest} (UTC)")


@cache_app.command(cls=Command)
def clear(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every cached answer: the next run pays for all of them again."""
    from briefing.llm.cache import ResponseCache

    with user_errors():
        cache = ResponseCache()
    if not yes:
        if not typer.confirm(f"Delete every cached answer in {cache.path}?"):
            typer.echo("Nothing was deleted.")
            return
    typer.echo(f"Deleted {count(cache.clear(), 'answer')}.")
