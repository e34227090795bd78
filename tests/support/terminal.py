"""The installed `briefing` run as a user runs it: on a real pseudo-terminal, or on pipes.

`on_terminal` gives the child a pty of a fixed size (so `isatty()` is true and rich draws
its live display), optionally sends Ctrl-C (SIGINT) once the output shows a marker, and
replays every byte it wrote through `pyte`, a VT100 emulator: `Screen.lines` is what the
user's scrollback and screen hold afterwards, escape sequences applied.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyte

BRIEFING = str(Path(sys.executable).with_name("briefing"))
ROWS, COLS = 24, 100


def user_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a user with no config, an empty cache, and `extra` set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("BRIEFING_", "OPENAI_", "DEEPSEEK_", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")
        )
    }
    env |= {
        "BRIEFING_CONFIG": str(tmp_path / "config.toml"),
        "BRIEFING_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
    }
    return env | extra


@dataclass
class Screen:
    """What a terminal run left: the raw bytes, the exit code, the lines a user sees."""

    raw: bytes
    code: int
    lines: list[str]  # scrollback, then the screen, trailing blank lines dropped

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def on_terminal(
    args: list[str],
    env: Mapping[str, str],
    *,
    cwd: Path | None = None,
    interrupt_when: Callable[[bytes], bool] | None = None,
    timeout: float = 120.0,
) -> Screen:
    """Run `briefing *args` on a pty of ROWS x COLS; Ctrl-C when `interrupt_when(output)`."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its stdin, stdout and stderr
        try:
            if cwd:
                os.chdir(cwd)
            os.execve(BRIEFING, [BRIEFING, *args], dict(env))
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    out, sent, deadline = b"", False, time.monotonic() + timeout
    while time.monotonic() < deadline:
        if interrupt_when and not sent and interrupt_when(out):
            os.kill(pid, signal.SIGINT)
            sent = True
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child is gone and the pty closed
            break
        if not data:
            break
        out += data
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    screen = pyte.HistoryScreen(COLS, ROWS, history=10_000)
    screen.set_mode(pyte.modes.LNM)  # the pty turns \n into \r\n; pyte sees \n alone
    pyte.ByteStream(screen).feed(out)
    history = [_line(line, COLS) for line in screen.history.top]
    lines = [*history, *(row.rstrip() for row in screen.display)]
    while lines and not lines[-1]:
        lines.pop()
    return Screen(out, os.waitstatus_to_exitcode(status), lines)


def _line(line: Mapping[int, pyte.screens.Char], width: int) -> str:
    return "".join(line[x].data for x in range(width)).rstrip()


def on_pipes(
    args: list[str], env: Mapping[str, str], *, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `briefing *args` with stdout and stderr on pipes, as in `| less` or CI."""
    return subprocess.run(
        [BRIEFING, *args],
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=cwd,
        timeout=120,
        check=False,
    )
