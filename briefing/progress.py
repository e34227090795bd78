"""What a weekly run shows while it works: the state of every article's brief and story.

`build_digest` reports each change as an `Event`, always from the caller's thread. On a
terminal, `progress_display` shows them with rich: a bar per phase and a line for each job in
flight; elsewhere (a pipe, CI, typer's CliRunner) one plain line per finished job.
"""

from __future__ import annotations

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


class Lines:
    """Plain lines, one per finished job: `[3/12] brief done: <title>`."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self._total: Counter[str] = Counter()
        self._finished: Counter[str] = Counter()

    def __call__(self, event: Event) -> None:
        if event.state == "queued":
            self._total[event.kind] += 1
        elif event.state in FINAL:
            self._finished[event.kind] += 1
            n, total = self._finished[event.kind], self._total[event.kind]
            line = f"[{n}/{total}] {event.kind} {event.state}: {event.label}"
            self._write(line + (f" ({event.detail})" if event.detail else ""))


class Display:
    """A rich display: one bar per phase with a tally, one line per job in flight."""

    TITLES = {"brief": "Briefs ", "story": "Stories"}

    def __init__(self, console: Console) -> None:
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

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            OnBars(BarColumn()),
            OnBars(MofNCompleteColumn()),
            TimeElapsedColumn(),
            TextColumn("{task.fields[tally]}", markup=False),
            console=console,
            redirect_stdout=False,
            redirect_stderr=True,  # warnings (a retry after a 429) print above the display
        )
        self._bars: dict[str, TaskID] = {}
        self._rows: dict[tuple[str, str], TaskID] = {}
        self._states: dict[tuple[str, str], str] = {}
        self._ended: dict[str, Counter[str]] = {}
        self._queued: Counter[str] = Counter()

    def __enter__(self) -> Display:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # Lines of jobs still shown (a Ctrl-C can land while one is being added) go first.
        for task in list(self.progress.task_ids):
            if task not in self._bars.values():
                self.progress.remove_task(task)
        self.progress.stop()

    def __call__(self, event: Event) -> None:
        p, kind, job = self.progress, event.kind, (event.kind, event.key)
        if event.state == "queued":
            if kind not in self._bars:
                self._bars[kind] = p.add_task(self.TITLES[kind], total=0, tally="")
                self._ended[kind] = Counter()
            self._queued[kind] += 1
            p.update(self._bars[kind], total=self._queued[kind])
            return
        bar = self._bars[kind]
        if event.state in FINAL:
            row = self._rows.pop(job, None)
            if row is not None:
                p.remove_task(row)
            self._states.pop(job, None)
            self._ended[kind][event.state] += 1
            p.update(bar, advance=1)
            if event.state == "failed":
                from rich.text import Text

                p.console.print(Text(f"{kind} failed: {event.label}: {event.detail}", "red"))
        else:
            description = f"  {event.state:<9} {_short(event.label)}"
            if job in self._rows:
                p.update(self._rows[job], description=description)
            else:
                self._rows[job] = p.add_task(description, total=None, tally="")
            self._states[job] = event.state
        live = Counter(state for (k, _), state in self._states.items() if k == kind)
        ended = self._ended[kind]
        tally = [f"{live[s]} {s}" for s in ("asking", "checking", "re-asking") if live[s]]
        tally += [f"{ended[s]} {s}" for s in ("cached", "failed", "interrupted") if ended[s]]
        p.update(bar, tally=" · ".join(tally))


@contextmanager
def progress_display(
    write: Callable[[str], None], *, terminal: bool | None = None
) -> Iterator[Progress]:
    """The progress callback for a run: rich on a terminal (stderr), else plain `write`s."""
    if terminal is None:
        terminal = sys.stderr.isatty()
    if not terminal:
        yield Lines(write)
        return
    from rich.console import Console

    with Display(Console(stderr=True)) as display:
        yield display
