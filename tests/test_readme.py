"""The README's commands stay true: every `briefing` command in it runs as written."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from briefing.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "examples" / "README.md"]


def _commands() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        blocks = re.findall(r"```bash\n(.*?)```", doc.read_text(encoding="utf-8"), re.DOTALL)
        for block in blocks:
            for line in block.splitlines():
                # The first README line chains venv and install before the command.
                command = line.split("&& ")[-1].strip()
                if command.startswith("briefing "):
                    found.append((doc.name, command))
    return found


def test_the_readme_opens_with_install_and_test_commands() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    assert "pip install ." in blocks[0] and "--replay" in blocks[0]
    assert blocks[1].strip() == "pip install '.[dev]' && pytest"
    assert "pytest" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize(("doc", "command"), _commands())
def test_readme_command_runs(
    doc: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run where a user would, next to examples/, without writing into the repository.
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"{doc}: {command}\n{result.output}"
    if "--dry-run" in args:
        assert json.loads(result.stdout)["format"] == "briefing.plan/1"
    elif args[0] == "weekly":
        out = tmp_path / args[args.index("-o") + 1]
        names = ["brief.html", "brief.md", "brief.pdf", "digest.json"]
        assert sorted(p.name for p in out.iterdir()) == names
        assert "**Core Viewpoint**" in (out / "brief.md").read_text("utf-8")
    else:
        assert "**Core Viewpoint**" in result.stdout or "**核心观点**" in result.stdout


def test_the_sample_is_what_its_command_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The block under "What you get" is the stdout of the command just above it, exactly."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"One article at a time:\n\n```bash\n(briefing [^\n]+)\n```", text)
    sample = re.search(r"## What you get\n\n[^`]*```\n(.*?)```\n", text, re.DOTALL)
    assert command is not None and sample is not None
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, shlex.split(command.group(1))[1:])
    assert result.exit_code == 0, result.output
    assert result.stdout == sample.group(1)


def test_the_command_table_lists_every_command() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("## Commands") :].split("\n\n", 2)[1]
    listed = set(re.findall(r"^\| `briefing ([a-z]+(?: [a-z]+)?)", table, re.MULTILINE))
    listed |= set(re.findall(r"/ `briefing ([a-z]+ [a-z]+)", table))
    group = typer.main.get_command(app)
    expected = set()
    for name in group.list_commands(None):  # type: ignore[attr-defined, arg-type]
        command = group.get_command(None, name)  # type: ignore[attr-defined, arg-type]
        if command.hidden:
            continue
        subs = getattr(command, "commands", None)
        expected |= {f"{name} {sub}" for sub in subs} if subs else {name}
    assert expected <= listed, expected - listed
