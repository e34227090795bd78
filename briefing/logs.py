"""Logging for the command line: records on stderr, every secret the process knows masked.

Without `-v` only warnings are shown (as Python shows them by default); `-v` adds briefing's
INFO records, `-vv` DEBUG records from briefing and from the libraries it drives (openai,
httpx, slack_sdk, vcrpy), which name URLs and headers.

Masked in every record before it is written: the secrets `remember`ed (the provider keys and
Slack settings from the environment and the config file, read at start; Slack flags as they
are resolved) and anything shaped like a key, a Slack token, a Slack webhook URL or a Bearer
credential, whether this process was given it or not.

Library code only ever logs through `logging.getLogger(__name__)`; this module is the CLI's.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Mapping
from typing import TextIO

from briefing.slack.mask import RedactingFilter, Redactor

# Key-shaped text, masked even when it is not a secret this process was given: a server may
# echo another key back. OpenAI-style keys (sk-…, sk-proj-…), Authorization values, Slack
# tokens (xoxb-, xoxp-, xoxa-, xoxr-…) and Slack webhook paths.
KEYLIKE = re.compile(
    r"\bsk-[A-Za-z0-9_\-*.]{6,}"
    r"|\bBearer\s+[A-Za-z0-9_\-*.~+/=]{6,}"
    r"|\bxox[a-z]-[A-Za-z0-9-]{6,}"
    r"|hooks\.slack(?:-gov)?\.com/services/[^\s\"'<>…]+"  # not one already masked
)
MASK = "***"

# Option names of a LangChain model's keyword arguments that hold a secret (as in
# briefing/llm/langchain_errors.py, which is not imported here: it loads the openai SDK).
_SECRET_OPTION = re.compile(r"key|token|secret|password|credential", re.IGNORECASE)

# -vv turns these on at DEBUG too: the libraries between briefing and the network.
LIBRARY_LOGGERS = ("openai", "httpx", "httpx2", "httpcore", "httpcore2", "slack_sdk", "vcr")
VERBOSE_FORMAT = "%(levelname)s %(name)s: %(message)s"


def mask_keylike(text: str) -> str:
    """`text` with anything shaped like a key, token, webhook URL or Bearer value masked."""
    return KEYLIKE.sub(MASK, text)


class Secrets:
    """The secrets this process knows, and the function that masks them in a text."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._urls: set[str] = set()
        self._tokens: set[str] = set()
        self._redact: Redactor | None = None

    def add(self, *values: str | None, url: bool = False) -> None:
        """Remember secrets (`url`: webhook URLs, masked to their host and first segment)."""
        kept = {v.strip() for v in values if v and v.strip()}
        with self._lock:
            (self._urls if url else self._tokens).update(kept)
            self._redact = None

    def clear(self) -> None:
        """Forget every secret."""
        with self._lock:
            self._urls.clear()
            self._tokens.clear()
            self._redact = None

    def __contains__(self, value: str) -> bool:
        return value in self._urls or value in self._tokens

    def __call__(self, text: str) -> str:
        """`text` with every known secret, then anything key-shaped, masked."""
        with self._lock:
            if self._redact is None:
                self._redact = Redactor(urls=self._urls, tokens=self._tokens)
            redact = self._redact
        return mask_keylike(redact(text))


SECRETS = Secrets()


def remember(*values: str | None, url: bool = False) -> None:
    """Mask these values in every log record from now on (None and "" are ignored)."""
    SECRETS.add(*values, url=url)


def remember_configured(env: Mapping[str, str] | None = None) -> None:
    """Remember the secrets of the environment and of the config file, if it can be read.

    A config file that cannot be read is left for the command to report.
    """
    from briefing.errors import ConfigError
    from briefing.settings import PROVIDERS, default_config_path, load_config_file
    from briefing.slack.target import TOKEN_ENV, WEBHOOK_ENV

    env = os.environ if env is None else env
    remember(*(env.get(p.key_env) for p in PROVIDERS.values() if p.key_env))
    remember(env.get(TOKEN_ENV))
    remember(env.get(WEBHOOK_ENV), url=True)
    try:
        config = load_config_file(default_config_path(env), must_exist=False)
    except ConfigError:
        return
    for name in PROVIDERS:
        key = config.section(name).api_key
        remember(key.get_secret_value() if key else None)
    slack = config.slack
    remember(slack.bot_token.get_secret_value() if slack.bot_token else None)
    remember(slack.webhook_url.get_secret_value() if slack.webhook_url else None, url=True)
    remember(
        *(
            value
            for option, value in config.langchain.options.items()
            if _SECRET_OPTION.search(option) and isinstance(value, str)
        )
    )


def level_for(verbosity: int) -> int:
    """-v: INFO, -vv (or more): DEBUG; none: WARNING."""
    return logging.DEBUG if verbosity >= 2 else logging.INFO if verbosity == 1 else logging.WARNING


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler on whatever `sys.stderr` is when a record comes: while the progress display
    runs, rich has swapped in a proxy that prints above the display instead of through it."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # always the current sys.stderr


def setup_logging(verbosity: int, stream: TextIO | None = None) -> Callable[[], None]:
    """Log to `stream` (stderr) at the level `verbosity` asks for, secrets masked.

    Returns the function that undoes it: the handler removed, the levels as they were, the
    secrets forgotten (the CLI calls it when the command ends; tests run many in a process).
    """
    remember_configured()
    handler = logging.StreamHandler(stream) if stream else _Stderr()
    handler.setLevel(level_for(verbosity))
    handler.setFormatter(logging.Formatter(VERBOSE_FORMAT if verbosity else "%(message)s"))
    handler.addFilter(RedactingFilter(SECRETS))
    root = logging.getLogger()
    # Without -v the levels stay as they are: warnings, as Python shows them by default.
    names = [] if not verbosity else ["briefing", *(LIBRARY_LOGGERS if verbosity >= 2 else ())]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(level_for(verbosity))
    root.addHandler(handler)

    def undo() -> None:
        root.removeHandler(handler)
        handler.close()
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        SECRETS.clear()

    return undo
