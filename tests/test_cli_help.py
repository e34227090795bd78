"""Help as a user reads it: every command's -h and --help, run as the installed `briefing`.

No Python internals (`<list[str]>`, `{source}`, `<int range>`, `x>=0`), no summary cut off
with "...", and the checker itself is shown to catch typer's own help.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from briefing.cli import app

BRIEFING = str(Path(sys.executable).with_name("briefing"))
COMMANDS = [
    [],
    ["ingest"],
    ["summarize"],
    ["check"],
    ["weekly"],
    ["estimate"],
    ["config"],
    ["doctor"],
    ["cache"],
    ["cache", "stats"],
    ["cache", "clear"],
    ["slack"],
    ["slack", "post"],
]
INTERNALS = re.compile(
    r"<[a-z_]+(?:\[[^\]]*\])?(?: range)?>"  # <str>, <list[str]>, <int range>, <path>
    r"|\{[a-z_]+\}"  # {source}
    r"|\bx\s*[<>]=?\s*-?\d"  # x>=0
    r"|\blist\[|\bNoneType\b|\bOptional\["
)


def help_problems(text: str) -> list[str]:
    """What in a help page a user should not have to read."""
    problems = [f"internal: {m.group()}" for m in INTERNALS.finditer(text)]
    in_commands = False
    for line in text.splitlines():
        if line.strip() in ("Commands:", "Options:", "Arguments:"):
            in_commands = line.strip() == "Commands:"
        elif in_commands and line.rstrip().endswith("..."):
            problems.append(f"cut off: {line.strip()}")
    return problems


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    return subprocess.run(
        [BRIEFING, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_every_command_is_listed_here() -> None:
    """A new command is added to COMMANDS, so its help is checked too."""
    group = typer.main.get_command(app)
    names = set(group.list_commands(None))  # type: ignore[attr-defined, arg-type]
    assert names == {c[0] for c in COMMANDS if c}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "briefing")
def test_help_has_no_python_internals(command: list[str]) -> None:
    short, long = _run(*command, "-h"), _run(*command, "--help")
    assert short.returncode == 0, short.stderr
    assert short.stdout == long.stdout
    assert short.stdout.startswith("Usage: briefing")
    assert help_problems(short.stdout) == [], short.stdout
    if command and command[0] not in ("cache", "slack") or len(command) == 2:
        assert "-v, --verbose" in short.stdout  # accepted after the command too


def test_summaries_are_whole() -> None:
    text = _run("--help").stdout
    assert "every claim cited and\n" in text or "every claim cited and checked." in text
    assert "checked." in text and "total; no model call." in text


def test_the_checker_catches_typer_help() -> None:
    """Typer's own help of a command shaped like ours shows what the checker refuses."""
    plain = typer.Typer(rich_markup_mode=None)

    @plain.command()
    def weekly(
        inputs: list[str],
        concurrency: int = typer.Option(4, min=1),
    ) -> None:
        """Brief a week of articles: duplicates merged, stories synthesised, MD/HTML/PDF/JSON."""

    @plain.command()
    def other() -> None:
        """Another command, so the group lists its commands."""

    group_help = CliRunner().invoke(plain, ["--help"], env={"COLUMNS": "80"}).stdout
    command_help = CliRunner().invoke(plain, ["weekly", "--help"], env={"COLUMNS": "80"}).stdout
    found = help_problems(group_help) + help_problems(command_help)
    assert any(p.startswith("cut off") for p in found), group_help
    assert any("<list[str]>" in p for p in found), command_help
    assert any("{inputs}" in p for p in found), command_help
    assert any("x>=1" in p for p in found), command_help
    assert any("<int range>" in p for p in found), command_help


def test_a_value_shows_its_word_and_default() -> None:
    text = _run("weekly", "-h").stdout
    assert "Usage: briefing weekly [OPTIONS] [INPUTS...]" in text  # --sources may give them
    assert "--concurrency N" in text and "--lang en|zh|both" in text
    flowed = " ".join(text.split())  # a default may wrap onto the next line
    assert "[default: weekly-brief]" in flowed and "[default: 0]" in flowed
    missing = _run("check")
    assert missing.returncode == 2 and "Missing argument 'FILE'." in missing.stderr
