"""The response cache: an answer already paid for is never paid for again.

SQLite in the user's cache folder (`BRIEFING_CACHE_DIR`, else `XDG_CACHE_HOME`/the platform's),
keyed by a hash of everything that shapes the answer: provider, model, structured mode, the
rendered messages (so any change to a prompt or an article is a new key) and the schema.
Each answer is committed as soon as it arrives, in WAL mode, so a crash loses at most the
call in flight. A cache that cannot be opened stops the run before anything is spent; one
that fails later (disk full) costs only the caching: the answer is still used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
from pathlib import Path

import platformdirs
from pydantic import ValidationError

from briefing.errors import ConfigError
from briefing.llm.base import LLM, CallStats, ChatMessage, Completion, T
from briefing.llm.structured import unfence
from briefing.models import Model, Usage

log = logging.getLogger(__name__)
# Seconds to wait for another briefing process that is writing to the same cache.
BUSY_TIMEOUT = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    raw TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created TEXT NOT NULL DEFAULT (datetime('now'))
)
"""


class CacheStats(Model):
    """What `briefing cache stats` shows."""

    path: str
    answers: int
    prompt_tokens: int
    completion_tokens: int
    oldest: str | None
    newest: str | None
    bytes: int


def sampled_identity(identity: str, temperature: float | None, seed: int | None) -> str:
    """`identity` with the sampling that changes the answers; unset, `identity` unchanged.

    An answer sampled otherwise is another answer, so it gets other cache keys; unset, the
    keys (and the answers cached before sampling could be set) stay what they were.
    """
    if temperature is not None:
        identity += f"|temperature={temperature}"
    if seed is not None:
        identity += f"|seed={seed}"
    return identity


def default_cache_path() -> Path:
    """Where the cache lives: `BRIEFING_CACHE_DIR`, else the user cache folder."""
    folder = os.environ.get("BRIEFING_CACHE_DIR") or platformdirs.user_cache_dir("briefing")
    return Path(folder) / "responses.sqlite3"


class ResponseCache:
    """Answers by request key, in one SQLite file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT, check_same_thread=False, isolation_level=None
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"The response cache {self.path} cannot be used: {exc}.",
                "Move or delete that file (a new cache is started), point BRIEFING_CACHE_DIR "
                "at a writable folder, or run with --no-cache.",
            ) from None

    def get(self, key: str) -> tuple[str, str, Usage] | None:
        """The raw answer, model and usage stored under `key`, if any (None if unreadable)."""
        try:
            with self._lock:
                row = self._db.execute(
                    "SELECT raw, model, prompt_tokens, completion_tokens FROM answers"
                    " WHERE key = ?",
                    (key,),
                ).fetchone()
        except sqlite3.Error as exc:
            log.warning("The cache %s could not be read (%s); asking the model.", self.path, exc)
            return None
        if row is None:
            return None
        return row[0], row[1], Usage(prompt_tokens=row[2], completion_tokens=row[3])

    def put(self, key: str, raw: str, model: str, usage: Usage) -> bool:
        """Store an answer, committed at once; False (and a warning) if it could not be."""
        try:
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO answers"
                    " (key, raw, model, prompt_tokens, completion_tokens) VALUES (?, ?, ?, ?, ?)",
                    (key, raw, model, usage.prompt_tokens, usage.completion_tokens),
                )
        except sqlite3.Error as exc:  # disk full, locked too long: the answer is still used
            log.warning(
                "An answer could not be stored in the cache %s (%s); this run uses it, "
                "a rerun would ask for it again.",
                self.path,
                exc,
            )
            return False
        return True

    def stats(self) -> CacheStats:
        """How many answers are stored, what they cost to get, and how big the file is."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0),"
                " COALESCE(SUM(completion_tokens), 0), MIN(created), MAX(created) FROM answers"
            ).fetchone()
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        return CacheStats(
            path=str(self.path),
            answers=row[0],
            prompt_tokens=row[1],
            completion_tokens=row[2],
            oldest=row[3],
            newest=row[4],
            bytes=size,
        )

    def clear(self) -> int:
        """Delete every stored answer; returns how many there were."""
        with self._lock:
            count = self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
            self._db.execute("DELETE FROM answers")
            self._db.execute("VACUUM")
        return int(count)

    def close(self) -> None:
        """Close the database."""
        self._db.close()


class CachedLLM:
    """An `LLM` that answers from the cache when it can and stores every new answer.

    A cache hit reports zero usage: nothing was spent on it in this run. The answer is stored
    as the model wrote it (secrets masked), so a hit hands back the very text a live call
    did: a re-ask quoting it is the same request, and is answered from the cache too.
    """

    def __init__(
        self, inner: LLM, cache: ResponseCache, identity: str, stats: CallStats | None = None
    ) -> None:
        self.inner = inner
        self.model = inner.model
        self.cache = cache
        self.identity = identity  # provider, model, structured mode
        self.stats = stats or CallStats()

    def key(self, messages: list[ChatMessage], schema: type[T], name: str) -> str:
        """The hash of everything that shapes the answer to this request."""
        payload = {
            "identity": self.identity,
            "name": name,
            "messages": [m.model_dump() for m in messages],
            "schema": schema.model_json_schema(),
        }
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        """The stored answer to this exact request, else a new one (then stored)."""
        key = self.key(messages, schema, name)
        stored = self.cache.get(key)
        if stored is not None:
            raw, model, _ = stored
            try:
                value = schema.model_validate_json(unfence(raw))
            except ValidationError:
                pass  # stored under an older schema: ask again
            else:
                self.stats.count(hits=1)
                log.info(
                    "cache hit: the %s answer (%s) from %s, nothing paid",
                    name,
                    model,
                    self.cache.path,
                )
                return Completion[schema](  # type: ignore[valid-type]
                    value=value, raw=raw, model=model, usage=Usage(), attempts=0
                )
        log.debug("cache miss: asking %s for the %s answer", self.model, name)
        completion = self.inner.complete(messages, schema, name=name)
        # `raw` is the text the answer was validated from (briefing.llm.structured).
        self.cache.put(key, completion.raw, completion.model, completion.usage)
        return completion
