"""`briefing slack post`: a brief or digest JSON file to Slack, or to stdout with --dry-run.

Registered in briefing/cli/__init__.py as the `slack` sub-app. briefing.cli is imported only
inside the command: it imports this module to register it.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.help import Command, Group

if TYPE_CHECKING:
    from briefing.models import Brief, Digest
    from briefing.slack.blocks import SlackMessage

slack_app = typer.Typer(
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals hold the webhook URL and the token
    rich_markup_mode=None,
    help="Post briefs and weekly digests to Slack.",
)


class Lang(StrEnum):
    """The languages a message can be in (briefing.cli has its own, registered later)."""

    en = "en"
    zh = "zh"
    both = "both"


@slack_app.command(cls=Command)
def post(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A brief or digest JSON file.")],
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            metavar="URL",
            help="Incoming webhook URL (env SLACK_WEBHOOK_URL).",
            show_default=False,
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            metavar="TOKEN",
            help="Bot token, xoxb-… (env SLACK_BOT_TOKEN).",
            show_default=False,
        ),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option("--channel", metavar="CHANNEL", help="Channel ID or name, with a bot token."),
    ] = None,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url", metavar="URL", help="Web API root [default: https://slack.com/api/]."
        ),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the messages.")] = Lang.en,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Post nothing; print the payloads as JSON.")
    ] = False,
    resume_from: Annotated[
        int,
        typer.Option(
            "--resume-from",
            min=1,
            metavar="N",
            help="Start at this message (after a partial post).",
        ),
    ] = 1,
    thread_ts: Annotated[
        str | None,
        typer.Option(
            "--thread-ts",
            metavar="TS",
            help="With --resume-from and a bot token: the thread (ts of message 1).",
        ),
    ] = None,
) -> None:
    """Post a brief or weekly digest (JSON) to Slack: a webhook, or a bot token and channel."""
    from briefing.cli.common import count
    from briefing.cli.common import user_errors as _user_errors
    from briefing.logs import remember
    from briefing.slack.post import check_resume, post_messages
    from briefing.slack.split import build_messages
    from briefing.slack.target import resolve_target

    remember(token)  # masked in every log record (the environment's are already known)
    remember(webhook, url=True)
    with _user_errors():
        doc = load_document(file)
        target = resolve_target(
            webhook=webhook, token=token, channel=channel, api_url=api_url, required=not dry_run
        )
        threaded = target is not None and target.threaded
        messages = build_messages(doc, lang.value, threaded=threaded)
        check_resume(len(messages), threaded, resume_from, thread_ts)
        if dry_run:
            _print_payloads(messages, resume_from, thread_ts)
            where = target.describe() if target else "a webhook (none configured)"
            _err(f"Dry run: {count(len(messages), 'message')} for {where}; nothing was posted.")
            return
        assert target is not None  # required=True raises instead of returning None
        _err(f"Posting {count(len(messages), 'message')} to {target.describe()}")
        posted = post_messages(
            messages,
            target,
            start=resume_from,
            thread_ts=thread_ts,
            progress=_err,
            source=str(file),
        )
    _err(f"Posted {count(len(posted), 'message')} to {target.describe()}.")


def load_document(path: Path) -> Brief | Digest:
    """A brief or a digest from its JSON file, told apart by its `format`."""
    from pydantic import ValidationError

    from briefing.cli.common import count
    from briefing.errors import InputError
    from briefing.ingest.size import read_file, resolve_max_bytes
    from briefing.models import BRIEF_FORMAT, DIGEST_FORMAT, Brief, Digest

    fix = (
        "Pass a brief from `briefing summarize --format json`, or digest.json from "
        "`briefing weekly`."
    )
    # Bounded and non-blocking: a FIFO, /dev/zero or a directory is refused, not waited on.
    raw = read_file(path, resolve_max_bytes(None), fix=fix, option=None)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not JSON: {exc}.", fix) from None
    kind = data.get("format") if isinstance(data, dict) else None
    models: dict[object, type[Brief] | type[Digest]] = {BRIEF_FORMAT: Brief, DIGEST_FORMAT: Digest}
    if kind not in models:
        raise InputError(
            f"{path} is neither a brief nor a digest (format {kind!r}; expected "
            f"{BRIEF_FORMAT!r} or {DIGEST_FORMAT!r}).",
            fix,
        )
    try:
        return models[kind].model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InputError(
            f"{path} is not a valid {kind} file: {where}: {first['msg']} "
            f"({count(exc.error_count(), 'problem')}).",
            fix,
        ) from None


def _print_payloads(messages: list[SlackMessage], start: int, thread_ts: str | None) -> None:
    """The payloads from message `start` on, as sent; thread replies name `thread_ts` when
    it is known, else the placeholder for the first message's ts."""
    payloads = [m.payload() for m in messages[start - 1 :]]
    for payload in payloads:
        if thread_ts and "thread_ts" in payload:
            payload["thread_ts"] = thread_ts
    typer.echo(json.dumps(payloads, ensure_ascii=False, indent=2))


def _err(text: str) -> None:
    typer.echo(text, err=True)
