"""Files that are not regular files, and files over the size limit, given to the commands
that load a JSON file (`check`, `slack post`) or an article (`ingest`).

A FIFO with no writer would block a plain open() or read() forever, and /dev/zero never
ends: each is refused with a clear error (exit 2, what is wrong and how to fix it), never a
traceback, a hang or all the memory. The commands run as real processes with a timeout and
a memory cap, so a regression fails the test instead of hanging or exhausting CI.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from briefing.cli import app

BRIEFING = str(Path(sys.executable).with_name("briefing"))
TIMEOUT = 30  # seconds; the commands answer in about one
MEMORY = 3 << 30  # bytes of address space: far above what a command needs, far below /dev/zero

# Each command that reads a file, with the arguments that make it do nothing else.
COMMANDS = {
    "check": ["check"],
    "slack post": ["slack", "post", "--dry-run"],
    "ingest": ["ingest"],
}

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def briefing(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in its own process; a hang past TIMEOUT fails the test."""
    try:
        return subprocess.run(
            [BRIEFING, *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_cap_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`briefing {' '.join(args)}` was still running after {TIMEOUT} s: a hang")


def assert_refused(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2, `Error: ` and a hint on stderr, the needles in it, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: ") and len(lines) == 2, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    for needle in needles:
        assert needle in result.stderr


@pytest.fixture
def brief_file(tmp_path: Path) -> Path:
    """A real brief (the example article, answered from its recording), about 12 KB."""
    out = tmp_path / "brief.json"
    result = CliRunner().invoke(
        app,
        [
            "summarize",
            str(EXAMPLES / "shoigu-rare-earths.txt"),
            "--replay",
            str(EXAMPLES / "shoigu-rare-earths.replay.yaml"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A named pipe nobody writes to: open() for reading blocks until a writer comes."""
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", ["check", "slack post"])
def test_a_fifo_is_refused_not_waited_on(command: str, fifo: Path) -> None:
    result = briefing(*COMMANDS[command], str(fifo))
    assert_refused(result, str(fifo), "named pipe (FIFO)", "regular file")


def test_ingest_says_a_fifo_is_a_fifo_not_that_it_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    result = briefing("ingest", str(path))
    assert_refused(result, "named pipe (FIFO)", "standard input")
    assert "empty" not in result.stderr


@pytest.mark.parametrize("command", ["check", "slack post"])
def test_dev_zero_is_refused_not_read_forever(command: str) -> None:
    result = briefing(*COMMANDS[command], "/dev/zero")
    assert_refused(result, "/dev/zero", "character device", "regular file")


def test_ingest_refuses_a_device_behind_a_supported_name(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert_refused(briefing("ingest", str(link)), "character device")


@pytest.mark.parametrize("command", ["check", "slack post"])
def test_a_directory_is_refused(command: str, tmp_path: Path) -> None:
    folder = tmp_path / "briefs.json"
    folder.mkdir()
    assert_refused(briefing(*COMMANDS[command], str(folder)), str(folder), "is a directory")


@pytest.mark.parametrize("command", ["check", "slack post"])
def test_a_brief_over_the_configured_limit_is_refused_saying_how_to_raise_it(
    command: str, tmp_path: Path, brief_file: Path
) -> None:
    size = brief_file.stat().st_size
    assert briefing(*COMMANDS[command], str(brief_file)).returncode == 0  # under 20 MB
    (tmp_path / "config.toml").write_text("[input]\nmax_bytes = 1000\n", "utf-8")
    result = briefing(*COMMANDS[command], str(brief_file))
    assert_refused(result, f"{size:,} bytes", "1,000-byte input size limit", "max_bytes = ")
    assert "--max-bytes" not in result.stderr  # these commands have no such option


@pytest.mark.parametrize("command", ["check", "slack post"])
def test_a_missing_file_is_still_a_clear_error(command: str, tmp_path: Path) -> None:
    assert_refused(briefing(*COMMANDS[command], str(tmp_path / "nope.json")), "does not exist")


@pytest.mark.parametrize("command", ["check", "slack post"])
def test_an_unreadable_file_is_still_a_clear_error(command: str, brief_file: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    brief_file.chmod(0)
    assert_refused(briefing(*COMMANDS[command], str(brief_file)), "Permission denied")


def test_check_and_slack_post_still_read_a_brief(brief_file: Path) -> None:
    assert "OK:" in briefing("check", str(brief_file)).stdout
    payloads = json.loads(briefing("slack", "post", "--dry-run", str(brief_file)).stdout)
    assert payloads and payloads[0]["blocks"]
