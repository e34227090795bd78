"""`briefing slack post` end to end against the local Slack stand-in: dry runs, partial posts
and their resumption, where the target comes from, exit codes, and secrets kept out of
every output, log record and file."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from digests import example_digest
from slack_support import big_digest
from support.slack_server import WEBHOOK_SECRET, Answer, SlackStandIn, api_error
from typer.testing import CliRunner, Result

from briefing.cli import app
from briefing.errors import ConfigError, InputError
from briefing.slack.split import build_messages
from briefing.slack.target import resolve_target

TOKEN = "xoxb-0000000000-1111111111-cliSECRETtoken"
CHANNEL = "C0STANDIN"


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test posts with the developer's Slack settings."""
    for var in ("SLACK_WEBHOOK_URL", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(token=TOKEN, channels={CHANNEL: True}) as server:
        yield server


STORIES = 12
# 12 stories of 7 statements: three stories a message, the sources in the fourth.
TOTAL = 4


@pytest.fixture
def digest_file(tmp_path: Path) -> Path:
    path = tmp_path / "digest.json"
    path.write_text(big_digest(stories=STORIES).model_dump_json(indent=2), encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["slack", "post", *args])


def bot_args(slack: SlackStandIn) -> list[str]:
    return ["--token", TOKEN, "--channel", CHANNEL, "--api-url", slack.api_url]


def headers(slack: SlackStandIn) -> list[str]:
    return [m.blocks[0]["text"]["text"] for m in slack.messages]


# --- dry run -------------------------------------------------------------------------------


def test_dry_run_prints_only_the_payloads_and_posts_nothing(
    slack: SlackStandIn, digest_file: Path
) -> None:
    result = run(str(digest_file), "--dry-run", "--webhook", slack.webhook_url)
    assert result.exit_code == 0, result.output
    payloads = json.loads(result.stdout)  # the whole of stdout is the JSON array
    expected = build_messages(big_digest(stories=STORIES), "en")
    assert payloads == [m.payload() for m in expected] and len(payloads) == TOTAL
    assert all(set(p) == {"text", "blocks"} for p in payloads)
    assert slack.requests == []
    assert f"Dry run: {TOTAL} messages for webhook http://127.0.0.1:" in result.stderr
    assert "nothing was posted" in result.stderr


def test_dry_run_with_a_bot_token_marks_thread_replies(
    slack: SlackStandIn, digest_file: Path
) -> None:
    result = run(str(digest_file), "--dry-run", "--lang", "both", *bot_args(slack))
    assert result.exit_code == 0, result.output
    payloads = json.loads(result.stdout)
    assert len(payloads) > 1 and "thread_ts" not in payloads[0]
    assert [p["thread_ts"] for p in payloads[1:]] == ["<first>"] * (len(payloads) - 1)
    assert payloads[0]["blocks"][0]["text"]["text"].startswith(
        "Weekly brief / 每周简报 · 2024-06-24 – 2025-10-26 (1/"
    )
    assert slack.requests == []


def test_dry_run_needs_no_slack_settings(digest_file: Path) -> None:
    result = run(str(digest_file), "--dry-run")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == TOTAL
    assert "a webhook (none configured)" in result.stderr


# --- posting and resuming --------------------------------------------------------------------


def test_a_brief_file_posts_with_a_webhook(slack: SlackStandIn, tmp_path: Path) -> None:
    path = tmp_path / "brief.json"
    brief = example_digest().briefs[0]
    path.write_text(brief.model_dump_json(), encoding="utf-8")
    result = run(str(path), "--webhook", slack.webhook_url, "--lang", "both")
    assert result.exit_code == 0, result.output
    assert headers(slack) == [brief.title.en]
    assert result.stdout == ""
    assert "Posted 1 message to webhook http://127.0.0.1:" in result.stderr


def test_a_failed_webhook_post_says_what_went_out_and_resumes_without_repeats(
    slack: SlackStandIn, digest_file: Path
) -> None:
    slack.queue(Answer(500, "rollup_error"), at=3)
    first = run(str(digest_file), "--webhook", slack.webhook_url)
    assert first.exit_code == 4
    assert (
        f"Error: Posting message 3 of {TOTAL} to webhook http://" in first.stderr
        and "failed: Slack failed (HTTP 500 rollup_error). Already posted: messages 1-2."
        in first.stderr
    )
    assert "Message 3 may have arrived anyway: check the channel" in first.stderr
    assert f"briefing slack post {digest_file} --resume-from 3, with the same" in first.stderr
    assert len(slack.messages) == 2

    second = run(str(digest_file), "--webhook", slack.webhook_url, "--resume-from", "3")
    assert second.exit_code == 0, second.output
    period = "2024-06-24 – 2025-10-26"
    assert headers(slack) == [f"Weekly brief · {period} ({n}/{TOTAL})" for n in range(1, TOTAL + 1)]


def test_a_failed_thread_post_resumes_in_the_same_thread(
    slack: SlackStandIn, digest_file: Path
) -> None:
    slack.queue(api_error("not_in_channel"), at=3)
    first = run(str(digest_file), *bot_args(slack))
    assert first.exit_code == 4
    ts = slack.messages[0].ts
    assert f"Already posted: messages 1-2 (thread ts {ts})." in first.stderr
    assert "may have arrived" not in first.stderr
    assert f"--resume-from 3 --thread-ts {ts}," in first.stderr

    second = run(str(digest_file), *bot_args(slack), "--resume-from", "3", "--thread-ts", str(ts))
    assert second.exit_code == 0, second.output
    assert [m.thread_ts for m in slack.messages] == [None] + [ts] * (TOTAL - 1)
    assert len(headers(slack)) == len(set(headers(slack))) == TOTAL


def test_resuming_a_thread_needs_its_ts(slack: SlackStandIn, digest_file: Path) -> None:
    result = run(str(digest_file), *bot_args(slack), "--resume-from", "2")
    assert result.exit_code == 2
    assert "Add --thread-ts with the ts of message 1" in result.stderr
    result = run(str(digest_file), "--webhook", slack.webhook_url, "--resume-from", "9")
    assert result.exit_code == 2 and f"outside the {TOTAL} messages" in result.stderr
    assert slack.requests == []


# --- where the target comes from ---------------------------------------------------------------


def write_config(path: Path, **values: str) -> Path:
    lines = ["[slack]"] + [f'{key} = "{value}"' for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_flags_beat_environment_beat_the_config_file(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "c.toml",
        webhook_url="https://file.example/hooks/f",
        bot_token="xoxb-file",
        channel="CFILE",
        api_url="http://api.example",
    )
    target = resolve_target(config_path=config, env={})
    assert target is not None and target.token is not None
    assert (target.token.get_secret_value(), target.channel) == ("xoxb-file", "CFILE")
    assert target.api_url == "http://api.example/"  # slack_sdk appends the method name

    env = {"SLACK_BOT_TOKEN": "xoxb-env"}
    target = resolve_target(config_path=config, env=env)
    assert target is not None and target.token is not None
    assert target.token.get_secret_value() == "xoxb-env"

    target = resolve_target(webhook="https://flag.example/hooks/x", config_path=config, env=env)
    assert target is not None and target.webhook_url is not None and not target.threaded
    assert target.webhook_url.get_secret_value() == "https://flag.example/hooks/x"
    assert "flag.example/hooks/x" not in repr(target)


def test_a_webhook_is_used_when_the_token_has_no_channel(tmp_path: Path) -> None:
    env = {"SLACK_WEBHOOK_URL": "https://hooks.example/services/T/B/s", "SLACK_BOT_TOKEN": "xoxb"}
    target = resolve_target(config_path=write_config(tmp_path / "c.toml"), env=env)
    assert target is not None and target.webhook_url is not None


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        (
            {},
            ConfigError,
            "No Slack webhook or bot token - pass --webhook URL, set "
            "SLACK_WEBHOOK_URL, or add `webhook_url` under [slack] in",
        ),
        ({"token": "xoxb-x"}, ConfigError, "A Slack bot token needs a channel"),
        (
            {"webhook": "hooks.slack.com/services/T/B/SECRETx"},
            ConfigError,
            "is not an http(s) address",
        ),
        (
            {"webhook": "https://h.example/x", "token": "xoxb-x"},
            InputError,
            "Both --webhook and --token",
        ),
    ],
)
def test_unusable_settings_say_how_to_fix_them(
    tmp_path: Path, kwargs: dict[str, str], error: type[Exception], says: str
) -> None:
    with pytest.raises(error) as caught:
        resolve_target(config_path=write_config(tmp_path / "c.toml"), env={}, **kwargs)
    assert says in str(caught.value)
    assert "SECRETx" not in str(caught.value)


def test_exit_codes_for_user_mistakes(tmp_path: Path, digest_file: Path) -> None:
    assert run(str(digest_file)).exit_code == 3
    (tmp_path / "plan.json").write_text('{"format": "briefing.plan/1"}', encoding="utf-8")
    result = run(str(tmp_path / "plan.json"), "--dry-run")
    assert result.exit_code == 2
    assert "is neither a brief nor a digest (format 'briefing.plan/1'" in result.stderr
    (tmp_path / "broken.json").write_text('{"format": "briefing.digest/1"}', encoding="utf-8")
    result = run(str(tmp_path / "broken.json"), "--dry-run")
    assert result.exit_code == 2 and "is not a valid briefing.digest/1 file" in result.stderr
    assert run(str(tmp_path / "missing.json"), "--dry-run").exit_code == 2


# --- secrets -----------------------------------------------------------------------------------


def all_text(result: Result, caplog: pytest.LogCaptureFixture, folder: Path) -> str:
    files = [
        p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    ]
    return "\n".join([result.stdout, result.stderr, caplog.text, *files])


@pytest.mark.parametrize("case", ["ok", "refused", "unreachable", "dry-run", "invalid-url"])
def test_the_webhook_url_appears_in_no_output_log_or_file(
    slack: SlackStandIn,
    digest_file: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = slack.webhook_url
    if case == "refused":
        url = url.replace("T0STANDIN", "T0OTHER")
    elif case == "unreachable":
        url = url.replace(slack.base, "http://127.0.0.1:9")
    elif case == "invalid-url":
        url = url.replace("http://", "")
    args = ["--dry-run"] if case == "dry-run" else []
    result = run(str(digest_file), "--webhook", url, *args)
    assert result.exit_code == {"ok": 0, "dry-run": 0, "invalid-url": 3}.get(case, 4), result.output
    seen = all_text(result, caplog, tmp_path)
    assert WEBHOOK_SECRET not in seen
    if case != "dry-run":
        assert "/services/…" in seen  # the masked form is what the user sees
    if case in ("ok", "refused"):
        assert "Sending a request - url:" in caplog.text  # slack_sdk's own log, masked


@pytest.mark.parametrize("case", ["ok", "wrong-token", "unreachable"])
def test_the_bot_token_appears_in_no_output_log_or_file(
    slack: SlackStandIn,
    digest_file: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    token = TOKEN.replace("cli", "bad") if case == "wrong-token" else TOKEN
    api = "http://127.0.0.1:9/api/" if case == "unreachable" else slack.api_url
    result = run(str(digest_file), "--token", token, "--channel", CHANNEL, "--api-url", api)
    assert result.exit_code == (0 if case == "ok" else 4), result.output
    seen = all_text(result, caplog, tmp_path)
    assert "SECRETtoken" not in seen and "Bearer" not in seen
    assert caplog.records  # slack_sdk did log, through the masking filter
