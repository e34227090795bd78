"""The command line: options in, one pipeline call, output or a clear error out.

Heavy modules are imported inside the commands, so `--help` stays instant.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

# typer carries its own copy of click (pyproject asks for a typer that does).
from typer._click import Context
from typer._click.exceptions import ClickException

from briefing import __version__
from briefing.cli.article import check, ingest, summarize
from briefing.cli.cache import cache_app
from briefing.cli.common import HELP
from briefing.cli.config import config
from briefing.cli.estimate import estimate
from briefing.cli.help import Command, Group
from briefing.cli.slack import slack_app
from briefing.cli.weekly import weekly
from briefing.errors import EXIT_BUG


class _Commands(Group):
    """The command group: an unexpected exception is reported as a bug, exit 70, so that it
    never looks like "some inputs failed" (1) or a user mistake (2)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """As click's, but its own errors ("No such option") are shown by `err`: in colour on
        a terminal, as briefing's are."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            result = super().main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )
        except ClickException as exc:
            import io

            from briefing.cli.common import err

            shown = io.StringIO()
            exc.show(file=shown)
            err(shown.getvalue().rstrip("\n"))
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        # Not standalone, click returns an Exit's code, or the command's result (None).
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except Exception as exc:
            if os.environ.get("BRIEFING_TRACEBACK"):
                raise
            from briefing.cli.common import err
            from briefing.logs import SECRETS

            text = " ".join(str(exc).split())[:500]
            err(f"Error: briefing failed unexpectedly ({type(exc).__name__}: {SECRETS(text)}).")
            err(
                "This is a bug in briefing, not a problem with your input; answers already "
                "received are kept in the response cache. Run the command again with "
                "BRIEFING_TRACEBACK=1 to see where it happened, and please report it."
            )
            raise typer.Exit(EXIT_BUG) from None


app = typer.Typer(
    cls=_Commands,
    context_settings=HELP,
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


for command in (ingest, summarize, check, weekly, estimate, config):
    app.command(cls=Command)(command)
app.command("doctor", cls=Command, hidden=True)(config)  # what some users type for it
app.add_typer(cache_app, name="cache")
app.add_typer(slack_app, name="slack")
