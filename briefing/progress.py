"""What a weekly run shows while it works: the state of every article's brief and story.

`build_digest` reports each change as an `Event`, always from the caller's thread. On a
terminal, `progress_display` shows them with rich: a bar per phase and a line for each job in
flight, erased when the run ends or is interrupted; elsewhere (a pipe, CI, typer's
CliRunner) one plain line per finished job. Either way the run ends with one line that
counts what happened, true after a Ctrl-C too:

    3 of 12 briefed (1 from the cache), 1 interrupted, 8 not started

A job interrupted before it asked anything is "not started"; one interrupted while its call
was in flight is "interrupted". With -v each job's steps (asking, checking, re-asking) are
logged as they happen.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

JobKind = Literal["brief", "story"]
# queued → asking → checking [→ re-asking → checking] → done | cached | failed | interrupted
State = Literal[
    "queued", "asking", "checking", "re-asking", "done", "cached", "failed", "interrupted"
]
FINAL: frozenset[str] = frozenset({"done", "cached", "failed", "interrupted"})
LABEL_WIDTH = 48  # characters of a title shown; a CJK character takes two columns
NOT_STARTED = "not started"
VERBS = {"brief": "briefed", "story": "stories synthesised"}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One job changed state: an article's brief (key: article id) or a story's synthesis."""

    kind: JobKind
    key: str
    label: str
    state: State
    detail: str = ""  # a failure's error


Progress = Callable[[Event], None]


def quiet(event: Event) -> None:
    """Show nothing."""


def _short(label: str, width: int = LABEL_WIDTH) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


class Tally:
    """Every job of a run by phase: how many were queued, which started, how each ended."""

    def __init__(self) -> None:
        self.queued: Counter[str] = Counter()
        self.ended: dict[str, Counter[str]] = {}
        self._started: set[tuple[str, str]] = set()

    def add(self, event: Event) -> str | None:
        """Count `event`; for a job's end, the word it ended with (`not started` included)."""
        job = (event.kind, event.key)
        if event.state == "queued":
            self.queued[event.kind] += 1
            self.ended.setdefault(event.kind, Counter())
            return None
        if event.state not in FINAL:
            self._started.add(job)
            log.info("%s %s: %s", event.kind, event.state, event.label)
            return None
        word = str(event.state)
        if event.state == "interrupted" and job not in self._started:
            word = NOT_STARTED
        self.ended.setdefault(event.kind, Counter())[word] += 1
        return word

    def summary(self) -> str:
        """`3 of 12 briefed (1 from the cache), 1 failed, 8 not started · …`; "" if no job."""
        phases = []
        for kind, ended in self.ended.items():
            total = self.queued[kind]
            ok = ended["done"] + ended["cached"]
            text = f"{ok} of {total} {VERBS.get(kind, kind)}"
            if ended["cached"]:
                text += f" ({ended['cached']} from the cache)"
            not_started = total - ok - ended["failed"] - ended["interrupted"]
            for n, word in (
                (ended["failed"], "failed"),
                (ended["interrupted"], "interrupted"),
                (not_started, NOT_STARTED),
            ):
                if n:
                    text += f", {n} {word}"
            phases.append(text)
        return " · ".join(phases)


class Lines:
    """Plain lines, one per finished job: `[3/12] brief done: <title>`."""

    def __init__(self, write: Callable[[str], None], tally: Tally | None = None) -> None:
        self._write = write
        self.tally = tally or Tally()
        self._finished: Counter[str] = Counter()

    def __call__(self, event: Event) -> None:
        word = self.tally.add(event)
        if word is None:
            return
        self._finished[event.kind] += 1
        n, total = self._finished[event.kind], self.tally.queued[event.kind]
        line = f"[{n}/{total}] {event.kind} {word}: {event.label}"
        self._write(line + (f" ({event.detail})" if event.detail and word == "failed" else ""))


class Display:
    """A rich display: one bar per phase with a tally, one line per job in flight.

    Transient: when the run ends (or Ctrl-C ends it) the display is erased and one line with
    the tally is printed in its place, so the scrollback holds no partial frames. Jobs past
    what the terminal's height can show are counted on their bar, without a line of their own.
    """

    TITLES = {"brief": "Briefs ", "story": "Stories"}

    def __init__(self, console: Console, tally: Tally | None = None) -> None:
        from rich.console import RenderableType
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            SpinnerColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class OnBars(ProgressColumn):
            """A column shown on the phases' bars only, blank on the jobs' lines."""

            def __init__(self, column: ProgressColumn) -> None:
                super().__init__()
                self.column = column

            def render(self, task: Task) -> RenderableType:
                return self.column.render(task) if task.total is not None else Text("")

        self.console = console
        self.tally = tally or Tally()
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            OnBars(BarColumn()),
            OnBars(MofNCompleteColumn()),
            TimeElapsedColumn(),
            TextColumn("{task.fields[tally]}", markup=False),
            console=console,
            transient=True,  # erased at the end: the summary line takes its place
            redirect_stdout=False,
            redirect_stderr=False,  # done by __enter__, under the display's lock
        )
        self._bars: dict[str, TaskID] = {}
        self._rows: dict[tuple[str, str], TaskID] = {}
        self._states: dict[tuple[str, str], str] = {}

    @property
    def _max_rows(self) -> int:
        """Job lines that fit under the bars (two bars, a line to spare)."""
        return max(0, self.console.size.height - 4)

    def __enter__(self) -> Display:
        from rich.file_proxy import FileProxy

        # Warnings, -v logs and errors, from any thread, print above the display. rich's own
        # redirect works out where the display is under its lock but writes after letting
        # go, so its refresh thread can draw in between and leave a frame in the scrollback:
        # here the whole print holds the display's lock (a reentrant lock, taken again inside).
        lock = self.progress.live._lock

        class Above(FileProxy):
            def write(self, text: str) -> int:
                with lock:
                    return super().write(text)

            def flush(self) -> None:
                with lock:
                    super().flush()

        self._stderr = sys.stderr
        self.progress.start()
        sys.stderr = Above(self.console, self._stderr)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            sys.stderr.flush()
        finally:
            sys.stderr = self._stderr
            self.progress.stop()
        summary = self.tally.summary()
        if summary:
            self.console.print(summary, markup=False, highlight=False, soft_wrap=True)

    def __call__(self, event: Event) -> None:
        p, kind, job = self.progress, event.kind, (event.kind, event.key)
        word = self.tally.add(event)
        if event.state == "queued":
            if kind not in self._bars:
                self._bars[kind] = p.add_task(self.TITLES[kind], total=0, tally="")
            p.update(self._bars[kind], total=self.tally.queued[kind])
            return
        bar = self._bars[kind]
        if word is not None:
            row = self._rows.pop(job, None)
            if row is not None:
                p.remove_task(row)
            self._states.pop(job, None)
            if word in ("done", "cached", "failed"):
                p.update(bar, advance=1)
            if word == "failed":
                from rich.text import Text

                with p.live._lock:  # as the prints of __enter__'s proxy
                    p.console.print(Text(f"{kind} failed: {event.label}: {event.detail}", "red"))
        else:
            description = f"  {event.state:<9} {_short(event.label)}"
            if job in self._rows:
                p.update(self._rows[job], description=description)
            elif len(self._rows) < self._max_rows:
                self._rows[job] = p.add_task(description, total=None, tally="")
            self._states[job] = event.state
        live = Counter(state for (k, _), state in self._states.items() if k == kind)
        ended = self.tally.ended[kind]
        tally = [f"{live[s]} {s}" for s in ("asking", "checking", "re-asking") if live[s]]
        tally += [
            f"{ended[s]} {s}" for s in ("cached", "failed", "interrupted", NOT_STARTED) if ended[s]
        ]
        p.update(bar, tally=" · ".join(tally))


@contextmanager
def progress_display(
    write: Callable[[str], None], *, terminal: bool | None = None
) -> Iterator[Progress]:
    """The progress callback for a run: rich on a terminal (stderr), else plain `write`s.

    Either ends with the one line of `Tally.summary`, also when an exception ends the run.
    """
    if terminal is None:
        terminal = sys.stderr.isatty()
    if not terminal:
        lines = Lines(write)
        try:
            yield lines
        finally:
            if lines.tally.summary():
                write(lines.tally.summary())
        return
    from rich.console import Console

    with Display(Console(stderr=True)) as display:
        yield display
