"""A submitted batch as saved between runs: its state model, its folder, load and save.

Each batch is saved in `<cache dir>/batches/<hash of its keys>.json`. The state file holds
ids, cache keys, article ids and counts: no key, no URL, no article text.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from pydantic import ValidationError

from briefing.files import write_atomic
from briefing.llm.cache import CachedLLM
from briefing.models import Model, Usage

log = logging.getLogger(__name__)

STATE_FORMAT: Final = "briefing.batch/1"


class BatchState(Model):
    """One submitted batch, as saved between runs (`briefing.batch/1`)."""

    format: Literal["briefing.batch/1"] = STATE_FORMAT
    name: str  # the prompt, which names the schema its answers must validate against
    model: str
    requests: dict[str, str]  # custom_id (= cache key) -> what it is for: "article 4ac2f5cfb536"
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str = "preparing"  # the last status the server reported
    done: int = 0
    failed: int = 0
    closed: bool = False  # its answers are in the cache, or it failed as a whole
    errors: dict[str, str] = {}  # custom_id -> why no answer was stored
    usage: Usage = Usage()
    cost_usd: float | None = 0.0  # at the batch price; None when the model's price is unknown
    created_at: str
    updated_at: str


def state_folder(cached: CachedLLM) -> Path:
    """Where batch states are saved: `batches/` next to the response cache."""
    return cached.cache.path.parent / "batches"


def state_path(folder: Path, state: BatchState) -> Path:
    """The state file of a batch: named by a hash of the set of its requests."""
    digest = hashlib.sha256("\n".join(sorted(state.requests)).encode()).hexdigest()
    return folder / f"{digest[:32]}.json"


def load_states(folder: Path) -> list[BatchState]:
    """Every readable state file in `folder`."""
    states = []
    for path in sorted(folder.glob("*.json")):
        try:
            states.append(BatchState.model_validate_json(path.read_bytes()))
        except (OSError, ValidationError) as exc:
            log.warning("ignoring unreadable batch state %s: %s", path, exc)
    return states


def save_state(state: BatchState, folder: Path) -> None:
    """Write `state` to its file in `folder`, stamped with the time of saving."""
    state.updated_at = now()
    write_atomic(state_path(folder, state), state.model_dump_json(indent=2) + "\n")


def now() -> str:
    """The current UTC time as saved in a state: ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")
