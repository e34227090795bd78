"""Secrets never reach a log, an error, a cassette, the cache, a Slack message or an output.

Real commands run in-process with distinctive secrets in the environment (an OpenAI key, a
Slack bot token, a Slack webhook URL with a secret path segment), at -vv, against the local
model stand-in (tests/support/llm_server.py) and the Slack stand-in, on their success and error
paths; several servers echo the secret back. Then every file under the test's folder (the
outputs, the cache with its SQLite -wal/-shm, the working and temporary folders, cassettes),
stdout, stderr, every log record and every payload Slack received are searched for each
secret and for its last 12 characters. The answers are the authored ones of the examples.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import sqlite3
import string
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from support.llm_server import Reply, StandIn, answer, answer_book, error
from support.slack_server import Answer, SlackStandIn
from typer.testing import CliRunner, Result

from briefing.cli import app
from briefing.digest.period import Window
from briefing.digest.prepare import prepare
from briefing.errors import LLMError

_ALNUM = random.SystemRandom()


def _random(n: int) -> str:
    return "".join(_ALNUM.choices(string.ascii_letters + string.digits, k=n))


KEY = "sk-proj-" + _random(40)
TOKEN = f"xoxb-{_ALNUM.randrange(10**11, 10**12)}-{_ALNUM.randrange(10**11, 10**12)}-" + _random(24)
HOOK_SECRET = _random(24)
CHANNEL = "C0SECRETS"
WEEKLY = EXAMPLES / "weekly"
SHOIGU = EXAMPLES / "shoigu-rare-earths.txt"


@dataclass
class Seen:
    """What a run left behind: texts captured (stdout, stderr, records, payloads) and files."""

    root: Path
    texts: list[tuple[str, str]] = field(default_factory=list)
    secrets: list[str] = field(default_factory=lambda: [KEY, TOKEN, HOOK_SECRET])
    logged: list[str] = field(default_factory=list)  # every log record, as it was emitted

    def result(self, name: str, result: Result) -> Result:
        self.texts += [(f"{name} stdout", result.stdout), (f"{name} stderr", result.stderr)]
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            shown = traceback.format_exception(result.exception)  # as Python would print it
            self.texts.append((f"{name} traceback", "".join(shown)))
        return result

    def leaks(self, records: list[logging.LogRecord]) -> list[str]:
        """Where any secret, or its last 12 characters, shows up."""
        needles = {n for s in self.secrets for n in (s, s[-12:])}
        places = [
            *self.texts,
            *((f"log line {n}", t) for n, t in enumerate(self.logged)),
            *((f"log {r.name}", _record_text(r)) for r in records),
        ]
        found = [f"{name}: {n!r}" for name, text in places for n in needles if n in text]
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            found += [f"{path}: {n!r}" for n in needles if n.encode() in data]
            # Compressed or structured: read as the user's tools would.
            if data.startswith(b"SQLite format 3"):
                dump = _sqlite_text(path)
                found += [f"{path} (rows): {n!r}" for n in needles if n in dump]
            if data.startswith(b"%PDF"):
                text = _pdf_text(path)
                found += [f"{path} (text): {n!r}" for n in needles if n in text]
        return found


def _record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), record.exc_text or "", record.stack_info or ""]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def _pdf_text(path: Path) -> str:
    """A PDF's text (its streams are compressed), also without line breaks."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return text + "\n" + "".join(text.split())


def _sqlite_text(path: Path) -> str:
    """Every row of a database, its WAL included, read from a copy (the original untouched)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        for suffix in ("", "-wal"):
            if Path(f"{path}{suffix}").exists():
                shutil.copy(f"{path}{suffix}", f"{copy}{suffix}")
        db = sqlite3.connect(copy)
        try:
            return "\n".join(db.iterdump())
        finally:
            db.close()


@pytest.fixture
def seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> Iterator[Seen]:
    """Secrets in the environment, every folder under tmp_path; the scan runs at the end."""
    import tempfile

    for folder in ("cwd", "tmp", "out"):
        (tmp_path / folder).mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # retries and Retry-After
    monkeypatch.setattr("support.slack_server.WEBHOOK_SECRET", HOOK_SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("SLACK_CHANNEL", raising=False)
    caplog.set_level(logging.DEBUG)
    found = Seen(tmp_path)
    raw = _Raw(found.logged)  # before the CLI's own handler, which masks what it is given
    logging.getLogger().addHandler(raw)
    try:
        yield found
    finally:
        logging.getLogger().removeHandler(raw)
    leaks = found.leaks(caplog.get_records("setup") + caplog.get_records("call"))
    assert not leaks, "secrets leaked:\n" + "\n".join(leaks)


class _Raw(logging.Handler):
    """Keeps every log record as it was emitted, formatted with its traceback."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(self.format(record))


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch, seen: Seen) -> Iterator[SlackStandIn]:
    with SlackStandIn(token=TOKEN, channels={CHANNEL: True}) as server:
        assert HOOK_SECRET in server.webhook_url
        monkeypatch.setenv("SLACK_WEBHOOK_URL", server.webhook_url)
        yield server
        seen.texts += [
            (f"slack got {r.path}", json.dumps(r.body, ensure_ascii=False)) for r in server.requests
        ]
        # The one place a secret belongs: the request that carries it.
        assert any(
            r.headers.get("authorization") == f"Bearer {server.token}" or HOOK_SECRET in r.path
            for r in server.requests
        )


def run(seen: Seen, *args: str) -> Result:
    return seen.result(" ".join(args[:3]), CliRunner().invoke(app, ["-vv", *args]))


def _book() -> dict[str, str]:
    prepared = prepare([str(WEEKLY)], Window())
    book = {f"[1] {a.paragraphs[0]}": _answer(a.id) for a in prepared.articles}
    book |= {
        f"## Article {s[0]}\n": _answer(f"story-{s[0]}") for s in prepared.stories if len(s) > 1
    }
    return book


def _answer(name: str) -> str:
    return json.dumps(
        json.loads((EXAMPLES / "answers" / f"{name}.json").read_text("utf-8")), ensure_ascii=False
    )


def _shoigu_book() -> dict[str, str]:
    return {"绍伊古": _answer("781dc613f876")}


# --- the scanner can fail ------------------------------------------------------------------------


def test_the_scan_finds_a_planted_secret(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "brief.md").write_text(f"token tail {TOKEN[-12:]}", "utf-8")
    db = sqlite3.connect(tmp_path / "cache.sqlite3")
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES (?)", (f"{'x' * 5000}{KEY}",))  # spills to another page
    db.commit()
    db.close()
    import typst

    from briefing.render.pdf import font_dir

    pdf = typst.compile(
        f"= Digest\n\nThe key is {KEY}.".encode(),
        font_paths=[str(font_dir())],
        ignore_system_fonts=True,
    )
    assert KEY.encode() not in pdf  # compressed: only the text extraction finds it
    (tmp_path / "out" / "brief.pdf").write_bytes(pdf)
    record = logging.LogRecord("x", logging.INFO, "f", 1, "url %s", (f"/b/{HOOK_SECRET}",), None)
    leaks = Seen(tmp_path, [("stderr", "clean")]).leaks([record])
    assert any("brief.md" in leak and TOKEN[-12:] in leak for leak in leaks)
    assert any("cache.sqlite3" in leak and KEY in leak for leak in leaks)
    assert any("brief.pdf (text)" in leak and KEY in leak for leak in leaks)
    assert any(leak.startswith("log x") and HOOK_SECRET in leak for leak in leaks)
    assert Seen(tmp_path / "out", [("stdout", KEY[-12:])], [KEY]).leaks([]) != []


# --- summarize -----------------------------------------------------------------------------------


def test_summarize_writes_no_secret(seen: Seen) -> None:
    with StandIn(answer_book(_shoigu_book())) as server:
        results = [
            run(
                seen,
                "summarize",
                str(SHOIGU),
                "--base-url",
                server.base_url,
                "--lang",
                "both",
                "-o",
                output,
            )
            for output in ("../out/brief.md", "../out/brief.json")
        ]
        assert [r.exit_code for r in results] == [0, 0], results[0].output
        assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    # -vv shows the libraries' records: the ones that would carry a secret if any did.
    assert "DEBUG openai" in results[0].stderr and "INFO httpx2" in results[0].stderr
    assert "answered from the cache" in results[1].stderr
    assert any(line.startswith("httpx2 HTTP Request") for line in seen.logged)  # searched too
    assert (seen.root / "cache" / "briefing" / "responses.sqlite3").is_file()


ECHOES: dict[str, Callable[[], Reply]] = {
    "401": lambda: error(401, f"Incorrect API key provided: {KEY}.", code="invalid_api_key"),
    "400": lambda: error(400, f"Invalid request for key {KEY}: unknown field"),
    "403": lambda: error(403, f"Key {KEY} may not use this model"),
    "404": lambda: error(
        404, f"The model does not exist or {KEY} has no access", code="model_not_found"
    ),
    "429": lambda: error(429, f"Rate limit reached for {KEY}", headers={"Retry-After": "0"}),
    "500": lambda: error(500, f"upstream failed for {KEY}", type="server_error"),
    "refusal": lambda: answer(None, refusal=f"I will not; the key is {KEY}"),
    "invalid answer": lambda: answer(f"not JSON, but the key: {KEY}"),
}


@pytest.mark.parametrize("case", list(ECHOES))
def test_a_server_that_echoes_the_key_does_not_get_it_shown(
    seen: Seen, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StandIn(lambda request: ECHOES[case]()) as server:
        result = run(
            seen, "summarize", str(SHOIGU), "--base-url", server.base_url, "-o", "../out/brief.json"
        )
        assert result.exit_code == 4, result.output
        assert "Error:" in result.stderr
        # The traceback behind the error (Seen keeps it, with the exceptions it chains).
        monkeypatch.setenv("BRIEFING_TRACEBACK", "1")
        result = run(seen, "summarize", str(SHOIGU), "--base-url", server.base_url)
    assert result.exc_info is not None and type(result.exception).__name__.endswith("Error")


def test_a_server_that_writes_the_key_into_an_answer_does_not_get_it_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    written = json.loads(_shoigu_book()["绍伊古"])
    written["groups"][0]["claims"][0]["en"] += f" (key {KEY})"
    book = {"绍伊古": json.dumps(written, ensure_ascii=False)}
    with StandIn(answer_book(book)) as server:
        result = CliRunner().invoke(app, ["summarize", str(SHOIGU), "--base-url", server.base_url])
    assert result.exit_code == 0, result.output
    cached = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("responses*"))
    assert KEY not in result.stdout and KEY.encode() not in cached


# --- recording and replaying ---------------------------------------------------------------------


def test_a_recorded_cassette_and_its_replay_hold_no_key(seen: Seen) -> None:
    from briefing.brief.summarize import summarize_article
    from briefing.ingest import read_source
    from briefing.llm.base import LLM
    from briefing.llm.stack import build_stack
    from briefing.settings import Settings, resolve_settings

    def recording(settings: Settings, cassette: Path) -> LLM:
        return build_stack(settings, record=cassette, cache=False, rate_limited=False).llm

    cassette = seen.root / "cwd" / "shoigu.yaml"
    with StandIn(answer_book(_shoigu_book())) as server:
        settings = resolve_settings(base_url=server.base_url)
        assert settings.api_key is not None and settings.api_key.get_secret_value() == KEY
        summarize_article(read_source(str(SHOIGU))[0], recording(settings, cassette))
        assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert "chat/completions" in cassette.read_text("utf-8")
    result = run(
        seen, "summarize", str(SHOIGU), "--replay", str(cassette), "-o", "../out/replayed.md"
    )
    assert result.exit_code == 0, result.output

    # A server that echoes the key in its error: the body is recorded, and vcrpy logs it.
    failed = seen.root / "cwd" / "failed.yaml"
    with StandIn(lambda request: ECHOES["401"]()) as server:
        settings = resolve_settings(base_url=server.base_url)
        with pytest.raises(LLMError, match="HTTP 401"):
            summarize_article(read_source(str(SHOIGU))[0], recording(settings, failed))
    assert "Incorrect API key provided" in " ".join(failed.read_text("utf-8").split())
    result = run(seen, "summarize", str(SHOIGU), "--replay", str(failed))
    assert result.exit_code == 4 and "HTTP 401" in result.stderr, result.output


# --- weekly, with Slack --------------------------------------------------------------------------


def _with_an_echoing_failure(book: dict[str, str]) -> Callable[[dict[str, Any]], Reply]:
    """The book's answers, except that one article gets a 400 quoting the key."""
    books = answer_book(book)
    victim = next(iter(book))

    def respond(request: dict[str, Any]) -> Reply:
        if victim in request["messages"][-1]["content"]:
            return error(400, f"This request was rejected for key {KEY}")
        return books(request)  # type: ignore[return-value]

    return respond


# Every format once: the PDF takes the longest to write and to search.
FORMATS = {"webhook": "md,html,pdf,json", "token": "md,html,json"}


@pytest.mark.parametrize("way", ["webhook", "token"])
def test_weekly_with_every_format_and_slack_writes_no_secret(
    seen: Seen, slack: SlackStandIn, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No pacing of our own (it waits on a clock, not on time.sleep); Slack's API on the stand-in.
    config = "[openai]\nrpm = 0\ntpm = 0\n"
    if way == "token":
        monkeypatch.setenv("SLACK_CHANNEL", CHANNEL)
        config += f'[slack]\napi_url = "{slack.api_url}"\n'
    (seen.root / "config.toml").write_text(config, "utf-8")
    out = seen.root / "out" / way
    with StandIn(_with_an_echoing_failure(_book())) as server:
        result = run(
            seen,
            "weekly",
            str(WEEKLY),
            "--base-url",
            server.base_url,
            "-o",
            str(out),
            "--formats",
            FORMATS[way],
            "--lang",
            "both",
            "--slack",
        )
    assert result.exit_code == 1, result.output  # the failed article is listed
    assert {p.name for p in out.iterdir()} == {
        f"{'digest' if f == 'json' else 'brief'}.{f}" for f in FORMATS[way].split(",")
    }
    digest = json.loads((out / "digest.json").read_text("utf-8"))
    assert any("rejected the request (HTTP 400)" in f["error"] for f in digest["failures"])
    assert slack.messages, result.output
    if way == "token":
        assert all(m.channel == CHANNEL for m in slack.messages)
    else:
        assert "/services/…" in result.stderr  # where it posted, masked


# --- slack post ----------------------------------------------------------------------------------


def _digest_file(seen: Seen) -> Path:
    from digests import example_digest

    path = seen.root / "cwd" / "digest.json"
    path.write_text(example_digest().model_dump_json(indent=2), "utf-8")
    return path


SLACK_ECHOES: dict[str, Callable[[SlackStandIn], Answer]] = {
    "invalid_auth": lambda s: Answer(
        200, json.dumps({"ok": False, "error": f"invalid_auth {TOKEN}"})
    ),
    "token_revoked": lambda s: Answer(
        200,
        json.dumps({"ok": False, "error": "token_revoked", "detail": f"token {TOKEN} was revoked"}),
    ),
    "api 500": lambda s: Answer(500, f"internal error for {TOKEN} at {s.webhook_url}"),
    "hook 404": lambda s: Answer(404, f"no_service {s.webhook_url}"),
    "hook 500": lambda s: Answer(500, f"{s.webhook_url} failed"),
    "dropped": lambda s: Answer(drop=True),
}


@pytest.mark.parametrize("case", list(SLACK_ECHOES))
def test_slack_errors_that_echo_the_secret_do_not_get_it_shown(
    seen: Seen, slack: SlackStandIn, case: str
) -> None:
    slack.queue(SLACK_ECHOES[case](slack))
    target = (
        ["--webhook", slack.webhook_url]
        if case.startswith("hook")
        else ["--token", TOKEN, "--channel", CHANNEL, "--api-url", slack.api_url]
    )
    result = run(seen, "slack", "post", str(_digest_file(seen)), *target)
    assert result.exit_code == 4, result.output
    assert "Error: Posting message 1 of" in result.stderr


def test_slack_flags_are_masked_even_when_not_shaped_like_secrets(
    seen: Seen, slack: SlackStandIn
) -> None:
    # A Slack-compatible server's token that looks like no known kind of token.
    other = "tok" + _random(30)
    seen.secrets.append(other)
    slack.token = other
    slack.queue(Answer(200, json.dumps({"ok": False, "error": f"invalid_auth for {other}"})))
    result = run(
        seen,
        "slack",
        "post",
        str(_digest_file(seen)),
        "--token",
        other,
        "--channel",
        CHANNEL,
        "--api-url",
        slack.api_url,
    )
    assert result.exit_code == 4, result.output


@pytest.mark.parametrize(
    "url",
    [
        "http://h:abc/services/T/B/",
        "http://[::1/services/T/B/",
        "https://hooks.slack.com:99999/services/T/B/",
    ],
)
def test_a_malformed_webhook_url_is_an_error_that_hides_it(seen: Seen, url: str) -> None:
    result = run(seen, "slack", "post", str(_digest_file(seen)), "--webhook", url + HOOK_SECRET)
    assert result.exit_code == 3, result.output  # a ConfigError, not a crash
    assert "is not an http(s) address" in result.stderr


# --- weekly --batch ------------------------------------------------------------------------------


def test_a_batch_run_saves_no_secret(seen: Seen) -> None:
    from support.batch_server import BatchService

    book = _book()
    service = BatchService(answer_book(book), polls=2)
    out = seen.root / "out" / "batch"
    with StandIn(answer_book(book), routes=service.route) as server:
        args = [
            "weekly",
            str(WEEKLY),
            "--base-url",
            server.base_url,
            "-o",
            str(out),
            "--formats",
            "json,md",
            "--batch",
        ]
        # Each round (briefs, stories, the week) is pending once, then picked up by the next run.
        exits = [run(seen, *args).exit_code for _ in range(4)]
    assert exits == [75, 75, 75, 0]
    assert list((seen.root / "cache" / "briefing" / "batches").glob("*.json"))
    assert service.created == ["batch_standin1", "batch_standin2", "batch_standin3"]
