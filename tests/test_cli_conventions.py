"""Command-line conventions: -h, counts in words, a declined confirmation, a closed pipe."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from support.cli import SHOIGU, SHOIGU_REPLAY, run

from briefing.counts import count
from briefing.errors import InputError
from briefing.slack.post import check_resume


@pytest.mark.parametrize(
    "args",
    [[], ["summarize"], ["check"], ["weekly"], ["cache"], ["cache", "clear"], ["slack"]],
)
def test_dash_h_is_help(args: list[str]) -> None:
    short = run(*args, "-h")
    assert short.exit_code == 0, short.output
    assert "Usage:" in short.stdout
    assert short.stdout == run(*args, "--help").stdout


def _message_strings(path: Path) -> list[str]:
    """The string literals of a module that are not docstrings: its messages."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


PARENTHESISED_PLURAL = re.compile(r"\b(?!https?\(s\))[a-z]+\(s\)")


def test_no_message_counts_with_s_in_parentheses() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in sorted((ROOT / "briefing").rglob("*.py"))
        for text in _message_strings(path)
        if PARENTHESISED_PLURAL.search(text)
    ]
    assert found == []


def test_the_plural_check_sees_a_message_in_an_f_string(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '"""Reads http(s) and file(s) in a docstring: not a message."""\n'
        'def f(n):\n    """answer(s) here too."""\n    return f"{n} answer(s) stored"\n',
        "utf-8",
    )
    found = [t for t in _message_strings(module) if PARENTHESISED_PLURAL.search(t)]
    assert found == [" answer(s) stored"]


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [
        (1, "story", "1 story"),
        (2, "story", "2 stories"),
        (0, "day", "0 days"),
        (1_000, "answer", "1,000 answers"),
        (1, "brief request", "1 brief request"),
    ],
)
def test_count_reads_as_words(n: int, word: str, expected: str) -> None:
    assert count(n, word) == expected


def test_slack_and_batch_messages_count_in_words() -> None:
    with pytest.raises(InputError) as one:
        check_resume(1, False, 3, None)
    assert "outside the 1 message this file makes" in one.value.message
    with pytest.raises(InputError) as two:
        check_resume(2, False, 3, None)
    assert "outside the 2 messages this file makes" in two.value.message


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
