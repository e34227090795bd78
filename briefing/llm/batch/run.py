"""One batch of the OpenAI Batch API: requests answered at half price, into the response cache.

`run_batch` takes the lines of one round (see rounds.py: the briefs, the story syntheses,
the week in brief), each a request in the exact body `OpenAIChat` would post, its
`custom_id` the request's cache key. When the batch is done, each answer is checked as a
live one would be and stored under its key; the stage that follows finds its answers in the
cache. Re-asks (a second call with the checks' findings), `--verify` calls, the parts of a
long article, and the lines the batch could not answer go to the live endpoint at the full
price.

Resumable: each batch is saved in `<cache dir>/batches/<hash of its keys>.json` as soon as its
file is uploaded and again at every poll. A run whose requests a saved, unfinished batch
covers polls that batch instead of submitting (and paying for) a new one. The state file
(state.py) holds ids, cache keys, article ids and counts: no key, no URL, no article text;
answers.py checks each output line; api.py makes every call to the Files and Batches endpoints.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openai
from openai.types import Batch

from briefing.counts import count
from briefing.errors import BriefingError, ConfigError, InputError, LLMError
from briefing.llm import failures
from briefing.llm.batch.answers import Unusable, read_answer
from briefing.llm.batch.api import BatchRequest, api, ensure_batch, output_lines, submit, update
from briefing.llm.batch.state import BatchState, load_states, save_state, state_folder, state_path
from briefing.llm.cache import CachedLLM
from briefing.llm.stack import Stack
from briefing.llm.transports.openai import OpenAIChat
from briefing.models import DigestMeta, Usage
from briefing.settings import Settings

log = logging.getLogger(__name__)

BATCH_PRICE = 0.5  # the Batch API bills tokens at half the list price
EXIT_PENDING = 75  # sysexits EX_TEMPFAIL: nothing is wrong, run again later
FIRST_POLL, MAX_POLL = 5.0, 60.0  # seconds between polls: doubling, capped
RUNNING = ("validating", "in_progress", "finalizing", "cancelling")

Progress = Callable[[str], None]


class BatchPending(BriefingError):
    """A batch is not finished yet; the same command run again picks it up."""

    exit_code = EXIT_PENDING


@dataclass
class BatchOutcome:
    """What the batch step of this run stored, and what those answers cost."""

    batches: list[str] = field(default_factory=list)
    stored: int = 0
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = 0.0
    warnings: list[str] = field(default_factory=list)

    def merge(self, other: BatchOutcome) -> None:
        """Add what another batch step stored and cost (the next round's)."""
        self.batches += other.batches
        self.stored += other.stored
        self.usage += other.usage
        self.cost_usd = _add_cost(self.cost_usd, other.cost_usd)
        self.warnings += other.warnings

    def add_to(self, meta: DigestMeta) -> None:
        """Count the batch's tokens, cost and warnings in a digest's meta."""
        meta.warnings = [*meta.warnings, *self.warnings]
        if self.usage == Usage():
            return
        meta.usage = meta.usage + self.usage
        meta.cost_usd = _add_cost(meta.cost_usd, self.cost_usd)


def backend(stack: Stack) -> tuple[CachedLLM, OpenAIChat]:
    """The cache and the live client of `stack`; an error if a batch cannot go through them."""
    entry, chat = stack.settings.provider_entry, stack.transport
    if entry is None or not entry.batch or not isinstance(chat, OpenAIChat):
        raise ConfigError(
            f"--batch needs the OpenAI Batch API, which provider {stack.settings.provider} "
            "does not offer.",
            "Use --provider openai, or openai-compatible with the --base-url of a server that "
            "implements /v1/files and /v1/batches; or run without --batch.",
        )
    if stack.cache is None or not stack.live:
        raise InputError(
            "--batch needs a live model and the response cache: the batch's answers are "
            "stored in the cache for the run to use.",
            "Drop --replay and --no-cache, or drop --batch.",
        )
    return stack.cache, chat


def run_batch(
    requests: list[BatchRequest],
    stack: Stack,
    *,
    wait: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    progress: Progress = lambda _: None,
) -> BatchOutcome:
    """Submit or resume the batch for the uncached `requests`, poll up to `wait` seconds, store.

    Raises BatchPending when a batch is still running after `wait` seconds (0: poll once),
    LLMError when the server refuses the batch or the batch fails as a whole.
    """
    cached, chat = backend(stack)
    settings, folder = stack.settings, state_folder(cached)
    client = chat.sdk.with_options(max_retries=settings.max_retries)
    pending = {r.key: r for r in requests if cached.cache.get(r.key) is None}
    outcome = BatchOutcome()
    if not pending:
        names = " and ".join(dict.fromkeys(r.name for r in requests)) or "model"
        progress(f"Every {names} request is answered in the cache already: no batch needed.")
        return outcome
    states = [s for s in load_states(folder) if not s.closed and s.requests.keys() & pending.keys()]
    for state in states:
        progress(
            f"Resuming batch {state.batch_id or '(not yet created)'} ({state.status}, "
            f"{state.done + state.failed}/{len(state.requests)} done), "
            f"submitted {state.created_at}."
        )
    covered = {key for state in states for key in state.requests}
    new = [r for key, r in pending.items() if key not in covered]
    for name in dict.fromkeys(r.name for r in new):
        states.append(submit([r for r in new if r.name == name], client, chat, folder))
        progress(
            f"Submitted batch {states[-1].batch_id}: "
            f"{count(len(states[-1].requests), f'{name} request')} at the batch price, "
            "answered within 24 h."
        )

    deadline, polls, broken = clock() + wait, 0, []
    while True:
        for state in [s for s in states if not s.closed]:
            with api(settings, f"Checking batch {state.batch_id or '(being created)'}"):
                batch = ensure_batch(state, client, folder)
                update(state, batch, folder)
                if batch.status in RUNNING:
                    continue
                if batch.status == "failed":
                    broken.append(_close_failed(state, batch, folder, settings))
                    continue
                _ingest(state, batch, client, stack, pending, outcome)
            progress(_done_line(state))
        outcome.batches = [s.batch_id or "" for s in states]
        running = [s for s in states if not s.closed]
        if broken and not running:
            raise broken[0]
        if not running:
            return outcome
        left = deadline - clock()
        if left <= 0:
            raise _pending(running, folder)
        sleep(min(FIRST_POLL * 2**polls, MAX_POLL, left))
        polls += 1


def _ingest(
    state: BatchState,
    batch: Batch,
    client: openai.OpenAI,
    stack: Stack,
    requests: dict[str, BatchRequest],
    outcome: BatchOutcome,
) -> None:
    """Store every usable answer of a finished batch under its key; note why others are not."""
    cached, chat = backend(stack)
    folder = state_folder(cached)
    # The requests of this run that the batch covers say what its answers validate as.
    schema = next(requests[key].schema for key in state.requests if key in requests)
    stored, usage = set(), Usage()
    for line in filter(str.strip, output_lines(batch, client)):
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            log.warning("batch %s: skipping a line that is not JSON", state.batch_id)
            continue
        key = item.get("custom_id") if isinstance(item, dict) else None
        if key not in state.requests:
            continue
        try:
            raw, model, spent = read_answer(item, chat, schema, stack.mask)
        except Unusable as exc:
            usage += exc.usage  # an unusable answer was still paid for
            state.errors[key] = exc.message
            continue
        cached.cache.put(key, raw, model, spent)
        usage += spent
        stored.add(key)
    for key in state.requests.keys() - stored:
        state.errors.setdefault(key, f"no answer in the batch (status {batch.status})")
    cost = stack.settings.cost(usage, state.model)
    state.usage, state.cost_usd = usage, None if cost is None else round(cost * BATCH_PRICE, 6)
    state.closed = True
    save_state(state, folder)
    outcome.stored += len(stored)
    outcome.usage += usage
    outcome.cost_usd = _add_cost(outcome.cost_usd, state.cost_usd)
    outcome.warnings += [
        f"The batch gave no usable answer for {state.requests[key]} ({error}); "
        "it was asked live at the full price."
        for key, error in state.errors.items()
    ]


def _close_failed(state: BatchState, batch: Batch, folder: Path, settings: Settings) -> LLMError:
    """Close a batch that failed as a whole, so that the next run submits a new one."""
    state.closed = True
    save_state(state, folder)
    reasons = (
        "; ".join(
            f"{e.message}" + (f" (line {e.line})" if e.line else "")
            for e in (batch.errors.data or [] if batch.errors else [])
        )
        or "no reason given"
    )
    return LLMError(
        f"Batch {batch.id} failed: {failures.redact(reasons, settings)[:500]}",
        "Nothing was answered, so nothing was charged; run the same command again to submit "
        "a new batch, or run without --batch to ask live.",
    )


def _pending(running: list[BatchState], folder: Path) -> BatchPending:
    lines = [
        f"Batch {s.batch_id} {s.status}, {s.done + s.failed}/{len(s.requests)} done; "
        "run the same command again later."
        for s in running
    ]
    return BatchPending(
        "\n".join(lines),
        f"Its state is saved in {state_path(folder, running[0])}: the next run picks up this "
        "batch instead of paying for a new one. --batch-wait SECONDS waits for it.",
    )


def _done_line(state: BatchState) -> str:
    usage, cost = state.usage, state.cost_usd
    price = "unknown cost" if cost is None else f"${cost:.4f} at the batch price"
    return (
        f"Batch {state.batch_id} {state.status}: "
        f"{count(len(state.requests) - len(state.errors), 'answer')} stored in the cache, "
        f"{len(state.errors)} without one · "
        f"{usage.prompt_tokens:,} tokens in, {usage.completion_tokens:,} out, {price}"
    )


def _add_cost(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a + b, 6)
