"""Command-line conventions: -h, counts in words, a declined confirmation, a closed pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from support.cli import SHOIGU, SHOIGU_REPLAY, run


@pytest.mark.parametrize(
    "args",
    [[], ["summarize"], ["check"], ["weekly"], ["cache"], ["cache", "clear"], ["slack"]],
)
def test_dash_h_is_help(args: list[str]) -> None:
    short = run(*args, "-h")
    assert short.exit_code == 0, short.output
    assert "Usage:" in short.stdout
    assert short.stdout == run(*args, "--help").stdout


def test_no_count_reads_s_in_parentheses() -> None:
    sources = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "briefing" / "cli").glob("*.py")
    )
    assert "(s)" not in sources


def test_the_report_counts_calls_in_words() -> None:
    result = run("summarize", SHOIGU, "--replay", SHOIGU_REPLAY, "--no-cache")
    assert result.exit_code == 0, result.output
    assert "1 call" in result.stderr and "call(s)" not in result.stderr


def test_cache_clear_declined_is_not_an_error() -> None:
    result = run("cache", "clear", input="n\n")
    assert result.exit_code == 0, result.output
    assert "Nothing was deleted." in result.output
    assert "Aborted" not in result.output


def test_cache_clear_counts_in_words() -> None:
    result = run("cache", "clear", "--yes")
    assert result.exit_code == 0, result.output
    assert "Deleted 0 answers." in result.stdout


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("BRIEFING_TRACEBACK", None)
    command = [
        sys.executable,
        "-c",
        "from briefing.cli import app; app()",
        "summarize",
        SHOIGU,
        "--replay",
        SHOIGU_REPLAY,
        "--lang",
        "both",
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path
    ) as process:
        assert process.stdout is not None
        # The reader is gone before the brief is written, as `| head -1` is after a line.
        process.stdout.close()
        _, stderr = process.communicate(timeout=60)
    text = stderr.decode()
    assert "Traceback" not in text and "BrokenPipeError" not in text, text
    assert "Exception ignored" not in text, text
    assert process.returncode == 0, text
    assert "groups" in text  # the report on stderr still comes
