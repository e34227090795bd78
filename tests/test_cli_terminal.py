"""The installed `briefing` on a real terminal (a pty, replayed through a VT100 emulator) and
on pipes: errors in colour only where they belong, -v and -vv wherever they are typed, and a
progress display that leaves one true line behind, after a Ctrl-C too.
"""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import pytest
from conftest import EXAMPLES
from support.llm_server import StandIn, Throttled, answer_book
from support.terminal import on_pipes, on_terminal, user_env

from briefing.digest.period import Window
from briefing.digest.prepare import prepare
from briefing.models import Digest

SHOIGU = str(EXAMPLES / "shoigu-rare-earths.txt")
WEEKLY = str(EXAMPLES / "weekly")
WEEKLY_REPLAY = str(EXAMPLES / "weekly.replay.yaml")
KEY = "sk-test-0123456789abcdefghijklmnopqrstu"
RED_ERROR = b"\x1b[31m\x1b[1mError:\x1b[0m"
TALLY = re.compile(
    r"^(\d+) of (\d+) briefed(?: \((\d+) from the cache\))?(?:, (\d+) failed)?"
    r"(?:, (\d+) interrupted)?(?:, (\d+) not started)?(?: · .*)?$"
)


# Errors in colour ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["summarize", "no-such-article.txt"], ["summarize", SHOIGU, "--no-such-option"]],
    ids=["briefing's error", "click's usage error"],
)
def test_an_error_is_red_on_a_terminal(tmp_path: Path, args: list[str]) -> None:
    screen = on_terminal(args, user_env(tmp_path))
    assert screen.code == 2, screen.text
    assert RED_ERROR in screen.raw
    assert any(line.startswith("Error: ") for line in screen.lines), screen.text


def test_no_color_keeps_a_terminal_plain(tmp_path: Path) -> None:
    screen = on_terminal(["summarize", "no-such-article.txt"], user_env(tmp_path, NO_COLOR="1"))
    assert screen.code == 2
    assert b"\x1b[" not in screen.raw
    assert "Error: no-such-article.txt does not exist." in screen.text


def test_a_pipe_is_plain_unless_color_is_forced(tmp_path: Path) -> None:
    piped = on_pipes(["summarize", "no-such-article.txt"], user_env(tmp_path))
    assert piped.returncode == 2
    assert piped.stderr.startswith("Error: no-such-article.txt does not exist.")
    assert "\x1b[" not in piped.stderr
    forced = on_pipes(["summarize", "no-such-article.txt"], user_env(tmp_path, FORCE_COLOR="1"))
    assert forced.stderr.startswith(RED_ERROR.decode())
    # NO_COLOR wins over FORCE_COLOR: the user's explicit "no".
    both = on_pipes(
        ["summarize", "no-such-article.txt"], user_env(tmp_path, FORCE_COLOR="1", NO_COLOR="1")
    )
    assert "\x1b[" not in both.stderr


# -v and -vv ------------------------------------------------------------------------------


def test_v_after_the_command_is_v_before_it(tmp_path: Path) -> None:
    env = user_env(tmp_path)
    quiet = on_pipes(["ingest", SHOIGU, "--json"], env)
    after = on_pipes(["ingest", SHOIGU, "--json", "-v"], env)
    before = on_pipes(["-v", "ingest", SHOIGU, "--json"], env)
    assert quiet.returncode == after.returncode == before.returncode == 0
    # stdout is the JSON alone, -v or not: the log goes to stderr.
    assert quiet.stdout == after.stdout == before.stdout
    paragraphs = len(json.loads(after.stdout)["paragraphs"])
    line = f"INFO briefing.ingest.source: ingest: {SHOIGU}: 1 article, {paragraphs} paragraphs"
    assert line in after.stderr.splitlines() and after.stderr == before.stderr
    assert "INFO" not in quiet.stderr


def test_v_logs_each_stage_of_a_week_and_the_cache_hits(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[openai]\nrpm = 0\ntpm = 0\n", "utf-8")
    env = user_env(tmp_path, OPENAI_API_KEY=KEY)
    out = tmp_path / "out"
    with StandIn(answer_book(_book())) as server:
        args = ["weekly", WEEKLY, "--base-url", server.base_url, "-o", str(out)]
        first = on_pipes([*args, "--formats", "json", "-v"], env)
        again = on_pipes([*args, "--formats", "json", "-v"], env)
    assert first.returncode == 0, first.stderr
    log = first.stderr
    for expected in (
        "INFO briefing.digest: dedupe: 1 duplicate merged into the article kept",
        "INFO briefing.digest: stories: 7 stories, 4 of several articles",
        "INFO briefing.progress: brief asking: ",
        "INFO briefing.progress: story asking: ",
        f"INFO briefing.cli.weekly: render: json into {out}",
        f"Wrote {out / 'digest.json'}",
    ):
        assert expected in log, expected
    assert "cache hit" not in log and "DEBUG" not in log
    assert again.returncode == 0, again.stderr
    hits = again.stderr.count("INFO briefing.llm.cache: cache hit: ")
    reported = re.search(r"· (\d+) answers from the cache", again.stderr)
    # 13 briefs, the re-ask of the one wrong on purpose, 4 stories, the week in brief
    assert reported is not None and hits == int(reported.group(1)) == 19, again.stderr


def test_vv_adds_the_http_requests_with_the_key_masked(tmp_path: Path) -> None:
    answer = (EXAMPLES / "answers" / "781dc613f876.json").read_text("utf-8")
    env = user_env(tmp_path, OPENAI_API_KEY=KEY)
    with StandIn(lambda request: answer) as server:
        base = ["summarize", SHOIGU, "--base-url", server.base_url, "--no-cache"]
        one = on_pipes([*base, "-v"], env)
        two = on_pipes([*base, "-vv"], env)
    assert one.returncode == two.returncode == 0, two.stderr
    assert "DEBUG" not in one.stderr
    assert "DEBUG openai._base_client: " in two.stderr
    assert re.search(r"(DEBUG|INFO) httpx2?: HTTP Request: POST http://127\.0\.0\.1", two.stderr)
    assert KEY not in two.stderr and KEY[8:20] not in two.stderr
    assert one.stdout == two.stdout  # the brief, untouched by the log


# The progress display ------------------------------------------------------------------


def _book() -> dict[str, str]:
    """Marker → authored answer, for every article of the week and every story of several."""

    def answer(name: str) -> str:
        return (EXAMPLES / "answers" / f"{name}.json").read_text("utf-8")

    week = prepare([WEEKLY], Window())
    # The week in brief's request quotes the stories: its marker comes first.
    book = {"<<<STORIES\n": answer("week")}
    book |= {f"[1] {a.paragraphs[0]}": answer(a.id) for a in week.articles}
    book |= {f"## Article {s[0]}\n": answer(f"story-{s[0]}") for s in week.stories if len(s) > 1}
    return book


def _no_frames(lines: list[str]) -> None:
    """Nothing of the live display is left: no bar, no line of a job in flight."""
    for line in lines:
        assert "━" not in line, line
        assert not re.match(r"^\S?\s+(asking|checking|re-asking)\s", line), line


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["quiet", "-v"])
def test_a_finished_run_leaves_one_line_on_a_terminal(tmp_path: Path, verbose: list[str]) -> None:
    """With -v, log lines print above the display while it redraws (from its own thread):
    none may leave a frame behind in the scrollback."""
    out = tmp_path / "out"
    screen = on_terminal(
        ["weekly", WEEKLY, "--replay", WEEKLY_REPLAY, "-o", str(out), "--formats", "json"]
        + verbose,
        user_env(tmp_path),
    )
    assert screen.code == 0, screen.text
    assert b"\x1b[?25l" in screen.raw  # the live display did run (it hides the cursor)
    _no_frames(screen.lines)
    assert screen.lines.count("13 of 13 briefed · 4 of 4 stories synthesised") == 1, screen.text
    assert f"Wrote {out / 'digest.json'}" in screen.lines
    if verbose:
        assert (
            sum(line.startswith("INFO briefing.progress: brief asking: ") for line in screen.lines)
            == 13
        )


def test_ctrl_c_mid_run_counts_what_was_briefed_and_what_was_not(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[openai]\nrpm = 0\ntpm = 0\n", "utf-8")
    out = tmp_path / "out"
    env = user_env(tmp_path, OPENAI_API_KEY=KEY)
    with StandIn(Throttled(answer_book(_book()), latency=0.4)) as server:
        screen = on_terminal(
            ["weekly", WEEKLY, "--base-url", server.base_url, "-o", str(out)]
            + ["--formats", "json", "--concurrency", "2"],
            env,
            # Ctrl-C once the bar shows 3 of the 13 briefs done.
            interrupt_when=lambda output: re.search(rb"\b[3-9]/13\b", output) is not None,
        )
    assert screen.code == 128 + signal.SIGINT, screen.text
    _no_frames(screen.lines)
    tallies = [m for line in screen.lines if (m := TALLY.match(line))]
    assert len(tallies) == 1, screen.text
    briefed, total, cached, failed, in_flight, not_started = (
        int(n or 0) for n in tallies[0].groups()
    )
    digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
    assert total == 13 and cached == failed == 0
    assert briefed == len(digest.briefs) and 3 <= briefed < 13
    assert in_flight + not_started == len(digest.failures) == 13 - briefed
    assert not_started >= 1 and "Interrupted" in screen.text


def test_on_a_pipe_the_progress_is_plain_lines(tmp_path: Path) -> None:
    result = on_pipes(
        [
            "weekly",
            WEEKLY,
            "--replay",
            WEEKLY_REPLAY,
            "-o",
            str(tmp_path / "o"),
            "--formats",
            "json",
        ],
        user_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    lines = result.stderr.splitlines()
    assert sum(bool(re.match(r"^\[\d+/13\] brief done: ", line)) for line in lines) == 13
    assert sum(bool(re.match(r"^\[\d+/4\] story done: ", line)) for line in lines) == 4
    assert "13 of 13 briefed · 4 of 4 stories synthesised" in lines
