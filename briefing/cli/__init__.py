"""The command line: options in, one pipeline call, output or a clear error out.

Heavy modules are imported inside the commands, so `--help` stays instant.
"""

from __future__ import annotations

from typing import Annotated

import typer

from briefing import __version__
from briefing.cli.article import check, ingest, summarize
from briefing.cli.cache import cache_app
from briefing.cli.weekly import estimate, weekly

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold keys
    rich_markup_mode=None,
    help="Turn Chinese articles into verified bilingual briefs.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefing {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            show_default=False,
            help="Log to stderr: -v what briefing does, -vv also the HTTP requests "
            "(openai, httpx, slack_sdk). Secrets are masked.",
        ),
    ] = 0,
) -> None:
    """Turn Chinese articles into verified bilingual briefs."""
    from briefing.logs import setup_logging
    from briefing.signals import terminate_as_interrupt

    ctx.call_on_close(setup_logging(verbose))
    # SIGTERM (kill, systemd, timeout) stops a command as Ctrl-C does, until it returns.
    ctx.with_resource(terminate_as_interrupt())


for command in (ingest, summarize, check, weekly, estimate):
    app.command()(command)
app.add_typer(cache_app, name="cache")

from briefing.slack.cli import slack_app  # noqa: E402 - it imports briefing.cli.common lazily

app.add_typer(slack_app, name="slack")
