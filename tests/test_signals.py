"""Signals and partial writes: SIGTERM stops a run as Ctrl-C does (exit 143), and the outputs
of a run replace the old ones all together or not at all.

The runs are the real CLI in its own process, stopped by real signals, against a slow local
stand-in server, so that the run is in progress when the signal comes. The full disk is a
real tmpfs (mounting one needs root; the test is skipped, saying so, where it cannot).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from digests import example_digest
from support.llm_server import Reply, StandIn, answer, error

from briefing.digest.period import Window
from briefing.digest.prepare import prepare
from briefing.models import Digest
from briefing.render.outputs import write_digest
from briefing.signals import Terminated, deferred, exit_code, terminate_as_interrupt

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")

BRIEFING = str(Path(sys.executable).with_name("briefing"))
WEEKLY = EXAMPLES / "weekly"
REPLAY = EXAMPLES / "weekly.replay.yaml"
OUTPUTS = ("brief.html", "brief.md", "brief.pdf", "digest.json")
ALL_LISTED = "brief.md, brief.html, brief.pdf and digest.json left as they were"
TIMEOUT = 90  # seconds; a run of the example week takes about five


# --- The stand-in model and the real CLI ---------------------------------------------------


@pytest.fixture(scope="module")
def book() -> dict[str, str]:
    """Marker → authored answer, for each example article's brief and story's synthesis."""
    week = prepare([str(WEEKLY)], Window())

    def authored(name: str) -> str:
        return json.dumps(
            json.loads((EXAMPLES / "answers" / f"{name}.json").read_text("utf-8")),
            ensure_ascii=False,
        )

    briefs = {f"[1] {a.paragraphs[0]}": authored(a.id) for a in week.articles}
    stories = {
        f"## Article {s[0]}\n": authored(f"story-{s[0]}") for s in week.stories if len(s) > 1
    }
    return briefs | stories


class Slow:
    """Answers each request from the book after `delay` seconds; keeps what it was asked
    and what it answered (markers of the book, in order)."""

    def __init__(self, book: dict[str, str], delay: float) -> None:
        self.book, self.delay = book, delay
        self.lock = threading.Lock()
        self.asked: list[str] = []
        self.answered: list[str] = []

    def __call__(self, request: dict[str, Any]) -> Reply:
        text = "\n".join(str(m.get("content", "")) for m in request.get("messages", []))
        marker = next((m for m in self.book if m in text), None)
        if marker is None:
            return error(404, "stand-in: no answer in the book for this request")
        with self.lock:
            self.asked.append(marker)
        time.sleep(self.delay)
        with self.lock:
            self.answered.append(marker)
        return answer(self.book[marker])

    def briefs(self, markers: list[str]) -> list[str]:
        return [m for m in markers if m.startswith("[1] ")]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key for the stand-in, and no pacing of our own (the preset's would space the calls)."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    Path(os.environ["BRIEFING_CONFIG"]).write_text("[openai]\nrpm = 0\ntpm = 0\n", "utf-8")


def start(*args: str | Path) -> subprocess.Popen[str]:
    """`briefing ARGS` in its own process (the environment of the test: config, cache)."""
    return subprocess.Popen(
        [BRIEFING, *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for the process; its exit code and its stderr."""
    try:
        _, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
        pytest.fail(f"still running after {TIMEOUT} s: {stderr[-2000:]}")
    return process.returncode, stderr


def briefing(*args: str | Path) -> tuple[int, str]:
    return finish(start(*args))


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    """Until `condition()` holds; fail if the process ends first."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if process.poll() is not None:
            _, stderr = process.communicate()
            pytest.fail(f"the run ended ({process.returncode}) too early: {stderr[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the run never got there")
        time.sleep(0.001)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def rendered(folder: Path) -> dict[str, bytes]:
    """The files of a folder, the PDF without the dates and the /ID Typst makes from the
    clock: to compare two renderings of the same digest."""
    files = snapshot(folder)
    if "brief.pdf" in files:
        files["brief.pdf"] = CLOCK.sub(b"", files["brief.pdf"])
    return files


CLOCK = re.compile(
    rb"/ID\[\([^)]*\)\([^)]*\)\]|<xmpMM:InstanceID>[^<]*|D:\d{14}|\d{4}-\d\d-\d\dT[\d:]{8}"
)


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name not in OUTPUTS]


# --- SIGTERM -------------------------------------------------------------------------------


def test_sigterm_mid_run_writes_what_is_done_keeps_the_cache_and_exits_143(
    api: None, book: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    model = Slow(book, delay=0.4)
    with StandIn(model) as server:
        command = ("weekly", WEEKLY, "--base-url", server.base_url, "-o", out, "--concurrency", "2")
        run = start(*command)
        wait_for(lambda: len(model.answered) >= 3, run)
        run.send_signal(signal.SIGTERM)
        code, stderr = finish(run)

        assert code == 143, stderr
        assert "Traceback" not in stderr
        assert "Interrupted: the outputs hold what was finished before SIGTERM" in stderr
        for name in OUTPUTS:
            assert f"Wrote {out / name}" in stderr
        # The calls in flight at SIGTERM were finished, not abandoned: all asked were answered.
        assert sorted(model.asked) == sorted(model.answered)
        first = model.briefs(model.answered)
        digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
        assert 3 <= len(digest.briefs) == len(first) < 13
        assert len(digest.briefs) + len(digest.failures) == 13
        assert {f.error for f in digest.failures} == {"interrupted"}

        # The answers received are in the cache: the next run asks only for the rest.
        model.delay, model.asked, model.answered = 0.0, [], []
        code, stderr = briefing(*command, "--formats", "json")
        assert code == 0, stderr
        again = model.briefs(model.asked)
        assert not set(again) & set(first)
        assert len(set(again)) == 13 - len(first)  # the wrong-on-purpose brief is re-asked
        cached = "1 answer" if len(first) == 1 else f"{len(first)} answers"
        assert f"{cached} from the cache" in stderr


def test_a_second_sigterm_abandons_calls_that_do_not_end(
    api: None, book: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    model = Slow(book, delay=60)  # far longer than the test may take
    with StandIn(model) as server:
        run = start("weekly", WEEKLY, "--base-url", server.base_url, "-o", out, "--formats", "json")
        wait_for(lambda: len(model.asked) >= 2, run)
        run.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        run.send_signal(signal.SIGTERM)
        code, stderr = finish(run)
    assert code == 143, stderr
    assert "Traceback" not in stderr and "finished before SIGTERM" in stderr
    digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
    assert digest.briefs == [] and {f.error for f in digest.failures} == {"interrupted"}


def test_terminate_as_interrupt_raises_terminated_and_puts_the_old_handler_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with terminate_as_interrupt():
        assert exit_code() == 130
        with pytest.raises(Terminated) as caught:
            signal.raise_signal(signal.SIGTERM)
        assert isinstance(caught.value, KeyboardInterrupt)
        assert caught.value.exit_code == 143 and exit_code() == 143
    assert signal.getsignal(signal.SIGTERM) is before
    with terminate_as_interrupt():
        assert exit_code() == 130  # a new run starts afresh


def test_an_ignored_sigterm_stays_ignored() -> None:
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        with terminate_as_interrupt():
            signal.raise_signal(signal.SIGTERM)  # nothing happens
            assert exit_code() == 130
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_outside_the_main_thread_nothing_is_installed() -> None:
    seen: list[object] = []

    def other() -> None:
        with terminate_as_interrupt(), deferred():
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [signal.getsignal(signal.SIGTERM)]


def test_a_deferred_signal_is_delivered_when_the_block_ends() -> None:
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    done = []
    with terminate_as_interrupt(), pytest.raises(Terminated):
        with deferred():
            signal.raise_signal(signal.SIGTERM)
            signal.raise_signal(signal.SIGINT)
            done.append("the block ran to its end")
    assert done == ["the block ran to its end"]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    with pytest.raises(KeyboardInterrupt):
        with deferred():
            signal.raise_signal(signal.SIGINT)


# --- A full disk ---------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], None]]:
    """A tmpfs mounted on tmp_path/disk; call it with a size in bytes to resize it."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command: a real full disk needs a tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (it needs root): {done.stderr.strip()}")

    def resize(size: int) -> None:
        kib = -(-size // 4096) * 4  # whole pages
        subprocess.run(["mount", "-o", f"remount,size={kib}k", str(folder)], check=True)

    try:
        yield resize
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def used(folder: Path) -> int:
    stat = os.statvfs(folder)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize


def test_a_full_disk_leaves_every_output_as_it_was(
    small_disk: Callable[[int], None], tmp_path: Path
) -> None:
    out = tmp_path / "disk" / "out"
    code, stderr = briefing("weekly", WEEKLY, "--replay", REPLAY, "-o", out, "--lang", "en")
    assert code == 0, stderr
    old = snapshot(out)
    assert sorted(old) == sorted(OUTPUTS)
    # Room for the new brief.md (about 70 KB in both languages), not for the rest.
    small_disk(used(out) + 120_000)

    code, stderr = briefing("weekly", WEEKLY, "--replay", REPLAY, "-o", out, "--lang", "both")
    assert code == 2, stderr
    assert "Traceback" not in stderr and "Wrote" not in stderr
    assert f"Error: Cannot write the digest to {out}: No space left on device" in stderr
    assert ALL_LISTED in stderr
    assert "Free some space or choose another folder with -o" in stderr
    assert snapshot(out) == old  # every file as it was, and no temporary left


def test_a_full_disk_on_the_first_run_leaves_nothing(
    small_disk: Callable[[int], None], tmp_path: Path
) -> None:
    out = tmp_path / "disk" / "out"
    out.mkdir()
    small_disk(used(out) + 100_000)
    code, stderr = briefing("weekly", WEEKLY, "--replay", REPLAY, "-o", out, "--lang", "both")
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert "brief.md, brief.html, brief.pdf and digest.json not written" in stderr
    assert list(out.iterdir()) == []


# --- Ctrl-C while the outputs are written --------------------------------------------------


def test_a_second_ctrl_c_while_writing_leaves_the_outputs_all_old_or_all_new(
    api: None, book: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stderr = briefing("weekly", WEEKLY, "--replay", REPLAY, "-o", out)
    assert code == 0, stderr
    old = snapshot(out)
    model = Slow(book, delay=0.3)
    with StandIn(model) as server:
        run = start("weekly", WEEKLY, "--base-url", server.base_url, "-o", out)
        wait_for(lambda: len(model.answered) >= 2, run)
        run.send_signal(signal.SIGINT)  # the first: finish the calls in flight, write
        wait_for(lambda: bool(temporaries(out)), run)  # the outputs are being written
        run.send_signal(signal.SIGINT)
        code, stderr = finish(run)
    assert code == 130, stderr
    assert "Traceback" not in stderr and "Interrupted" in stderr
    new = snapshot(out)
    assert sorted(new) == sorted(OUTPUTS)  # no temporary left
    replaced = [new[name] != old[name] for name in OUTPUTS]
    assert all(replaced) or not any(replaced), replaced
    if not any(replaced):
        assert ALL_LISTED in stderr


@pytest.fixture(scope="module")
def two_digests() -> tuple[Digest, Digest]:
    """Two digests that differ in every format."""
    digest = example_digest()
    return digest, digest.model_copy(update={"briefs": digest.briefs[:1]})


FORMATS = ["md", "html", "pdf", "json"]


def written(digest: Digest, folder: Path) -> dict[str, bytes]:
    write_digest(digest, folder, FORMATS, "both")
    return rendered(folder)


def test_ctrl_c_while_the_files_are_renamed_waits_until_all_are_in_place(
    two_digests: tuple[Digest, Digest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_digest, new_digest = two_digests
    new = written(new_digest, tmp_path / "new")
    out = tmp_path / "out"
    old = written(old_digest, out)
    replace, renamed = os.replace, []

    def ctrl_c_between_renames(source: Any, target: Any) -> None:
        if len(renamed) == 1:
            signal.raise_signal(signal.SIGINT)
        replace(source, target)
        renamed.append(target)

    monkeypatch.setattr(os, "replace", ctrl_c_between_renames)
    with pytest.raises(KeyboardInterrupt) as caught:
        write_digest(new_digest, out, FORMATS, "both")
    assert len(renamed) == 4 and rendered(out) == new != old
    assert any("were written" in note for note in caught.value.__notes__)


def test_ctrl_c_while_the_files_are_rendered_leaves_them_all_old(
    two_digests: tuple[Digest, Digest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_digest, new_digest = two_digests
    out = tmp_path / "out"
    old = written(old_digest, out)
    import briefing.render.pdf

    def ctrl_c(*args: Any) -> None:
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(briefing.render.pdf, "render_digest_pdf", ctrl_c)
    with pytest.raises(KeyboardInterrupt) as caught:
        write_digest(new_digest, out, FORMATS, "both")
    assert rendered(out) == old
    assert any(ALL_LISTED in note for note in caught.value.__notes__)


WRITER = """
import signal, sys
from pathlib import Path
sys.path[:0] = sys.argv[2:]
from digests import example_digest
from briefing.render.outputs import write_digest
out, formats = Path(sys.argv[1]), ["md", "html", "pdf", "json"]
a = example_digest()
b = a.model_copy(update={"briefs": a.briefs[:1]})
write_digest(a, out / "a", formats, "both")
write_digest(b, out / "b", formats, "both")
write_digest(a, out / "out", formats, "both")
print("ready", flush=True)
n = 0
for line in sys.stdin:
    try:
        print("writing", flush=True)
        while True:
            n += 1
            write_digest(b if n % 2 else a, out / "out", formats, "both")
    except KeyboardInterrupt:
        print("stopped", flush=True)
"""


def test_ctrl_c_at_any_moment_of_a_write_leaves_one_whole_set(tmp_path: Path) -> None:
    tests = str(Path(__file__).parent)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path), tests, str(Path(tests).parent)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    try:
        assert writer.stdout.readline() == "ready\n"
        sets = rendered(tmp_path / "a"), rendered(tmp_path / "b")
        for trial in range(12):
            writer.stdin.write("go\n")
            writer.stdin.flush()
            assert writer.stdout.readline() == "writing\n"
            time.sleep(0.05 + 0.037 * trial)  # moments spread over the first writes
            writer.send_signal(signal.SIGINT)
            assert writer.stdout.readline() == "stopped\n"
            now = rendered(tmp_path / "out")
            mixed = {name: [now.get(name) == s.get(name) for s in sets] for name in now}
            assert now in sets, f"after trial {trial}, file: (is set a, is set b): {mixed}"
    finally:
        writer.kill()
        writer.communicate()
