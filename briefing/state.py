"""A memory from run to run, and a lock against two weekly runs at once.

`state.json` in the cache folder (next to the response cache) remembers what weekly runs
fetched and briefed: each feed item's URL with the id of the article read from it, and each
briefed article's id with the time of the run that briefed it. `weekly --since last` briefs
only what no earlier run briefed, and does not fetch a feed item's page again; the same
command run twice pays nothing the second time.

The state is written atomically (briefing.files), only by a run that finished, and under
`weekly.lock`: fcntl.flock on a file in the same folder, so a second run started by cron
while the first still runs stops at once with LockedError (exit 73). The kernel releases the
lock when the process ends, however it ends: a killed run never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from pydantic import ValidationError

from briefing.errors import InputError, LockedError
from briefing.files import write_atomic
from briefing.models import Digest, Model

STATE_FORMAT: Final = "briefing.state/1"
STATE_NAME = "state.json"
LOCK_NAME = "weekly.lock"


class State(Model):
    """What earlier weekly runs fetched (URL -> article id) and briefed (id -> when)."""

    format: Literal["briefing.state/1"] = STATE_FORMAT
    last_run: str | None = None
    fetched: dict[str, str] = {}
    briefed: dict[str, str] = {}

    def seen_urls(self) -> set[str]:
        """Feed item URLs whose article was briefed: not worth fetching again."""
        return {url for url, aid in self.fetched.items() if aid in self.briefed}


def cache_folder() -> Path:
    """The cache folder (BRIEFING_CACHE_DIR, else the user cache folder), as the answer
    cache resolves it."""
    from briefing.llm.cache import default_cache_path

    return default_cache_path().parent


def load_state(folder: Path) -> State:
    """The state in `folder`, or an empty one; InputError if the file is not a state."""
    path = folder / STATE_NAME
    try:
        return State.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return State()
    except (OSError, ValidationError, ValueError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) else "not a briefing.state/1 file"
        raise InputError(
            f"The run state {path} cannot be read: {detail}.",
            f"Delete {path} to start afresh (the next --since last run then briefs everything "
            "it is given; answers already paid for still come from the cache).",
        ) from None


def remember(
    state: State, digest: Digest, urls: dict[str, str], *, now: datetime | None = None
) -> State:
    """`state` with this run's briefs and fetched URLs (url -> article id) added.

    A failed article is not remembered, so the next run tries it again; nor is a copy merged
    into a briefed article remembered by URL unless its page was fetched (it is in `urls`).
    """
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    briefed = dict(state.briefed)
    for brief in digest.briefs:
        briefed.setdefault(brief.article.id, when)
    for duplicate in digest.duplicates:
        if duplicate.kept in briefed:
            for aid in duplicate.dropped:
                briefed.setdefault(aid, when)
    fetched = dict(state.fetched) | {u: a for u, a in urls.items() if a in briefed}
    return State(last_run=when, fetched=fetched, briefed=briefed)


def save_state(folder: Path, state: State) -> None:
    """Write the state atomically (a crash leaves the old one or the new one, never half)."""
    write_atomic(folder / STATE_NAME, state.model_dump_json(indent=1) + "\n")


@contextmanager
def run_lock(folder: Path) -> Iterator[None]:
    """Hold `weekly.lock` in `folder` for the block; LockedError at once if another run has it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            raise LockedError(
                f"Another `briefing weekly` run is going on with the cache folder {folder} "
                f"(held by {holder}); this one did nothing.",
                "Let it finish (a cron job can simply run again at its next time), or use "
                "another BRIEFING_CACHE_DIR for a run of its own.",
            ) from None
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {started}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def record_run(folder: Path, digest: Digest, fetched: dict[str, str]) -> None:
    """After a weekly run's outputs are written: remember its briefs and fetched URLs."""
    save_state(folder, remember(load_state(folder), digest, fetched))
