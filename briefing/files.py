"""Writing outputs safely: a reader never sees a half-written file, nor half of a set.

`write_atomic` writes a file in full to a temporary file beside it, then renames it over the
old one. Inside `written_together()` it only writes the temporary file; when the block ends
without error every one is renamed into place, one after the other, with SIGINT and SIGTERM
held off so that no interruption falls between two renames. A full disk shows while the
temporaries are written (a rename needs no space), so a failure leaves every old file as it
was: all the new files or none.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path

from briefing.signals import deferred

_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


class NotWritten(OSError):
    """A set of files could not be written; `strerror` says which were left as they were."""


class _Staged:
    """The temporary files of a `written_together` block, target → temporary."""

    def __init__(self, targets: Iterable[Path]) -> None:
        self.targets = list(dict.fromkeys(Path(t) for t in targets))
        self.temporaries: dict[Path, str] = {}

    def add(self, path: Path, tmp: str) -> None:
        if path not in self.targets:
            self.targets.append(path)
        if (earlier := self.temporaries.pop(path, None)) is not None:  # written again
            Path(earlier).unlink(missing_ok=True)
        self.temporaries[path] = tmp

    def drop(self, path: Path, tmp: str) -> None:
        if self.temporaries.get(path) == tmp:
            del self.temporaries[path]

    def discard(self) -> None:
        for tmp in self.temporaries.values():
            Path(tmp).unlink(missing_ok=True)
        self.temporaries.clear()


_staged: ContextVar[_Staged | None] = ContextVar("briefing_files_staged", default=None)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over `path`.

    Inside `written_together()` the rename waits for the end of the block.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    staged = _staged.get()
    if staged is not None and path not in staged.targets:
        staged.targets.append(path)  # named in the message even if this write fails
    # Named before it exists and removed on any exception: a Ctrl-C at any moment leaves
    # no temporary behind.
    tmp = _temporary_name(path)
    if staged is not None:
        staged.add(path, tmp)
    try:
        while True:
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
                break
            except FileExistsError:  # another's (48 random bits: not to be seen), not ours
                if staged is not None:
                    staged.drop(path, tmp)
                tmp = _temporary_name(path)
                if staged is not None:
                    staged.add(path, tmp)
        # Owner-only until here; an output gets the mode a plain write would give.
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _mode(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if staged is None:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        if staged is not None:
            staged.drop(path, tmp)
        raise


def _temporary_name(path: Path) -> str:
    return str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp")


@contextmanager
def written_together(targets: Iterable[Path] = ()) -> Iterator[None]:
    """Every `write_atomic` in the block replaces its file when the block ends, all or none.

    `targets`: the files the block means to write, named in the message of a failure (with
    any the block writes). On an OSError before the renames the temporaries are removed and
    NotWritten says which files were left as they were; on Ctrl-C or any other error the
    same is added to the exception as a note. A signal during the renames is delivered once
    all are in place, with a note saying that they were.
    """
    staged = _Staged(targets)
    token = _staged.set(staged)
    try:
        try:
            yield
        finally:
            _staged.reset(token)
        for path in staged.temporaries:
            if path.is_dir():  # os.replace would fail half way through
                raise IsADirectoryError(errno.EISDIR, "Is a folder", str(path))
    except OSError as exc:
        staged.discard()
        raise NotWritten(exc.errno, f"{exc.strerror or exc}; {_left(staged.targets)}") from exc
    except BaseException as exc:  # Ctrl-C, or an error of a renderer
        staged.discard()
        exc.add_note(f"Nothing was replaced: {_left(staged.targets)}.")
        raise
    _rename_all(staged)


def _rename_all(staged: _Staged) -> None:
    """The temporaries renamed into place, one after the other, no signal in between."""
    done: list[Path] = []
    try:
        with deferred():
            for path, tmp in list(staged.temporaries.items()):
                os.replace(tmp, path)
                del staged.temporaries[path]
                done.append(path)
            _sync_folders(done)
    except KeyboardInterrupt as exc:  # delivered after the renames, or pending before them
        staged.discard()
        if done:
            exc.add_note(f"{_names(done)} {'was' if len(done) == 1 else 'were'} written.")
        else:
            exc.add_note(f"Nothing was replaced: {_left(staged.targets)}.")
        raise
    except OSError as exc:  # a rename refused: not seen in practice, said exactly if it is
        staged.discard()
        rest = [p for p in staged.targets if p not in done]
        replaced = f"{_names(done)} replaced, " if done else ""
        raise NotWritten(exc.errno, f"{exc.strerror or exc}; {replaced}{_left(rest)}") from exc


def _sync_folders(paths: list[Path]) -> None:
    """Make the renames durable (best effort: not every system can fsync a folder)."""
    for folder in dict.fromkeys(p.parent for p in paths):
        with suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _left(paths: list[Path]) -> str:
    """Which of `paths` were left as they were and which were not written, by name."""
    kept = [p for p in paths if p.exists()]
    absent = [p for p in paths if not p.exists()]
    parts = []
    if kept:
        parts.append(f"{_names(kept)} left as {'it was' if len(kept) == 1 else 'they were'}")
    if absent:
        parts.append(f"{_names(absent)} not written")
    return ", ".join(parts) or "nothing written"


def _names(paths: list[Path]) -> str:
    names = [p.name for p in paths]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _mode(path: Path) -> int:
    """The existing file's mode, else read-write for all as the umask allows."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # Read, not set and reset: os.umask would change it for every thread for a moment.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
