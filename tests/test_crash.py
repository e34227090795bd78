"""Crashes and broken disks: no half-written output, no lost answer, no traceback.

The crash tests kill a real writer process with SIGKILL at arbitrary moments: nothing of
Python's (no finally, no atexit) runs, as when the power goes.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes import FakeLLM
from pydantic import BaseModel
from support.llm_server import StandIn, queue
from typer.testing import CliRunner

from briefing.cli import app
from briefing.files import write_atomic
from briefing.llm.base import ChatMessage
from briefing.llm.cache import CachedLLM, ResponseCache
from briefing.models import Usage

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

WRITER = """
import sys
from pathlib import Path
from briefing.files import write_atomic
path, n = Path(sys.argv[1]), 0
while True:
    n += 1
    write_atomic(path, (f"{n % 2}" * 2_000_000) + "END")
    print(n, flush=True)
"""

CACHER = """
import sys
from pathlib import Path
from briefing.llm.cache import ResponseCache
from briefing.models import Usage
cache, n = ResponseCache(Path(sys.argv[1])), 0
while True:
    cache.put(f"key-{n}", "x" * 5_000, "model", Usage(prompt_tokens=n, completion_tokens=1))
    print(n, flush=True)
    n += 1
"""


def start(script: str, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True
    )


def kill_after(process: subprocess.Popen[str], lines: int) -> list[str]:
    """The lines the process printed before it was killed, `lines` of them or more."""
    assert process.stdout is not None
    seen = [process.stdout.readline() for _ in range(lines)]
    time.sleep(0.01 * (lines % 7))  # somewhere in the middle of the next write
    process.send_signal(signal.SIGKILL)
    process.wait()
    with process.stdout:
        return seen + process.stdout.read().splitlines()


def test_a_failed_write_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "brief.md"
    write_atomic(path, "old brief")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        write_atomic(path, "new brief " * 1000)
    assert path.read_text() == "old brief"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]


@pytest.mark.parametrize("lines", [1, 3, 6])
def test_a_killed_writer_leaves_the_old_file_or_the_new_one(lines: int, tmp_path: Path) -> None:
    path = tmp_path / "digest.json"
    kill_after(start(WRITER, path), lines)
    text = path.read_text()
    assert text.endswith("END") and len(text) == 2_000_003
    assert set(text[:-3]) in ({"0"}, {"1"})


@pytest.mark.parametrize("lines", [5, 40])
def test_a_killed_run_keeps_every_answer_it_stored(lines: int, tmp_path: Path) -> None:
    path = tmp_path / "responses.sqlite3"
    stored = kill_after(start(CACHER, path), lines)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    cache = ResponseCache(path)
    for n in map(int, stored):
        assert cache.get(f"key-{n}") == (
            "x" * 5_000,
            "model",
            Usage(prompt_tokens=n, completion_tokens=1),
        )
    cache.put("after", "{}", "model", Usage())  # and it takes new answers
    assert cache.get("after") is not None


def test_a_corrupt_cache_stops_the_run_before_any_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "responses.sqlite3").write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(folder))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    article = Path(__file__).parent.parent / "examples" / "shoigu-rare-earths.txt"
    with StandIn(queue()) as server:
        result = CliRunner().invoke(app, ["summarize", str(article), "--base-url", server.base_url])
        assert server.requests == []
    assert result.exit_code == 3
    assert "cannot be used: file is not a database" in result.stderr
    assert "--no-cache" in result.stderr and "Traceback" not in result.output


class Answer(BaseModel):
    a: int


def test_an_answer_the_cache_cannot_store_is_still_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ResponseCache(tmp_path / "responses.sqlite3")
    cache._db.execute("PRAGMA query_only = ON")  # every write now fails, like a full disk
    llm = CachedLLM(FakeLLM().enqueue({"a": 1}), cache, "test")
    completion = llm.complete([ChatMessage(role="user", content="hi")], Answer, name="t")
    assert completion.value.a == 1
    assert "could not be stored in the cache" in caplog.text


EXAMPLES = Path(__file__).parent.parent / "examples"
WEEKLY = [
    "weekly",
    str(EXAMPLES / "weekly"),
    "--replay",
    str(EXAMPLES / "weekly.replay.yaml"),
    "--formats",
    "md,json",
]


def test_an_unwritable_output_folder_stops_the_run_before_any_call(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("in the way")
    result = CliRunner().invoke(app, [*WEEKLY, "-o", str(tmp_path / "file" / "out")])
    assert result.exit_code == 2
    assert "Cannot write to the output folder" in result.stderr
    assert "Briefing" not in result.stderr  # no model was called


def test_a_full_disk_while_writing_the_digest_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(path: Path, data: str | bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("briefing.render.outputs.write_atomic", disk_full)
    result = CliRunner().invoke(app, [*WEEKLY, "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "Cannot write the digest" in result.stderr and "No space left" in result.stderr
    assert "Traceback" not in result.output


def test_an_output_gets_the_mode_a_plain_write_would_give(tmp_path: Path) -> None:
    path = tmp_path / "brief.html"
    write_atomic(path, "new")
    plain = tmp_path / "plain.html"
    plain.write_text("plain")
    assert path.stat().st_mode == plain.stat().st_mode  # not mkstemp's owner-only 0600
    path.chmod(0o640)
    write_atomic(path, "again")
    assert path.stat().st_mode & 0o777 == 0o640  # a file's own mode is kept
