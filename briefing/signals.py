"""Signals: SIGTERM taken as Ctrl-C is, and Ctrl-C held off where a few steps must not split.

`kill`, systemd, cron timeouts and timeout(1) stop a process with SIGTERM, which by default
ends it at once: calls in flight lost, nothing written. Inside `terminate_as_interrupt()`
SIGTERM raises `Terminated`, a KeyboardInterrupt, so whatever handles Ctrl-C handles it too
(a weekly run finishes the calls in flight, writes what is done, keeps the cache); the exit
code is 143 (128 + 15) instead of 130. `exit_code()` says which of the two applies, also
after the exception was caught and turned into something else (briefing.digest.pool.Interrupted).

`deferred()` holds SIGINT and SIGTERM for a short block (the renames that put a digest's
outputs in place): a signal arriving then is kept, and delivered when the block ends.

Python runs signal handlers in the main thread only; elsewhere both do nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143

_Handler = Callable[[int, FrameType | None], Any] | int | None

_received: set[int] = set()  # the signals that stopped the run, since the handler went in


class Terminated(KeyboardInterrupt):
    """SIGTERM asked the process to stop: handled as Ctrl-C, exit code 143."""

    exit_code = EXIT_TERMINATED

    def __init__(self) -> None:
        super().__init__("terminated")


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    _received.add(signum)
    raise Terminated


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises Terminated inside the block; the previous handler is put back after.

    A SIGTERM that was ignored (SIG_IGN, as the parent process wanted) stays ignored.
    """
    if not _main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous in (signal.SIG_IGN, _on_sigterm):  # ignored, or installed by an outer block
        yield
        return
    _received.clear()
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        _restore({signal.SIGTERM: previous})


def exit_code(exc: BaseException | None = None) -> int:
    """The exit code of a stopped run: 143 after SIGTERM (`exc`, or one received), else 130."""
    if isinstance(exc, Terminated) or signal.SIGTERM in _received:
        return EXIT_TERMINATED
    return EXIT_INTERRUPTED


def stopped_by() -> str:
    """What stopped the run, for a message: "SIGTERM" or "Ctrl-C"."""
    return "SIGTERM" if signal.SIGTERM in _received else "Ctrl-C"


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver those that came.

    A signal already pending when the block starts is raised on entry, before the block runs.
    """
    if not _main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous: dict[int, _Handler] = {}
    try:
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, hold)
        yield
    finally:
        _restore(previous)
    # SIGTERM first: it decides the exit code. Every signal goes to its handler; the first
    # exception a handler raised is raised once all have run.
    stop: BaseException | None = None
    for held in previous:  # SIGTERM, then SIGINT
        if held not in caught:
            continue
        try:
            signal.raise_signal(held)
        except BaseException as exc:
            stop = stop or exc
    if stop is not None:
        raise stop


def _restore(previous: dict[int, _Handler]) -> None:
    """Put the handlers back, every one, even if a signal comes in between."""
    stop: BaseException | None = None
    for signum, handler in previous.items():
        while True:
            try:
                # None: set outside Python, which cannot be put back; the default is closest.
                signal.signal(signum, signal.SIG_DFL if handler is None else handler)
                break
            except KeyboardInterrupt as exc:  # a signal pending, run by a restored handler
                stop = stop or exc
    if stop is not None:
        raise stop
