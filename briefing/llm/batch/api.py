"""The Files and Batches endpoints: upload a batch's lines, create it, find it, read it back.

Every call to the server a batch makes is here, with the SDK's errors turned into LLMError.
What the lines hold and what is done with the answers is the caller's (batch/run.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import openai
from openai.types import Batch
from pydantic import BaseModel

from briefing.errors import InputError, LLMError
from briefing.llm import failures
from briefing.llm.batch.state import BatchState, now, save_state, state_path
from briefing.llm.transports.openai import OpenAIChat
from briefing.settings import Settings

ENDPOINT: Final = "/v1/chat/completions"
MAX_REQUESTS = 50_000  # per batch file (OpenAI's limit)


@dataclass(frozen=True)
class BatchRequest:
    """One line of a batch: the cache key it fills, the chat request body, and what its
    answer must validate as."""

    key: str
    label: str  # what it is for, in messages: "article 4ac2f5cfb536"
    name: str
    body: dict[str, Any]
    schema: type[BaseModel]


def submit(
    requests: list[BatchRequest], client: openai.OpenAI, chat: OpenAIChat, folder: Path
) -> BatchState:
    """Upload `requests` as one batch file and create its batch; its state saved at each step."""
    if len(requests) > MAX_REQUESTS:
        raise InputError(
            f"{len(requests)} requests are more than one batch takes ({MAX_REQUESTS}).",
            "Brief fewer articles per run (--since/--until).",
        )
    lines = [
        json.dumps(
            {"custom_id": r.key, "method": "POST", "url": ENDPOINT, "body": r.body},
            ensure_ascii=False,
        )
        for r in requests
    ]
    stamp = now()
    state = BatchState(
        name=requests[0].name,
        model=chat.model,
        created_at=stamp,
        updated_at=stamp,
        requests={r.key: r.label for r in requests},
    )
    with api(chat.settings, "Uploading the batch file"):
        data = ("\n".join(lines) + "\n").encode("utf-8")
        uploaded = client.files.create(file=("briefing-batch.jsonl", data), purpose="batch")
    state.input_file_id, state.status = uploaded.id, "uploaded"
    save_state(state, folder)  # before the batch exists: a lost create is found again by its file
    with api(chat.settings, "Creating the batch"):
        batch = _create(client, uploaded.id)
    state.batch_id = batch.id
    update(state, batch, folder)
    return state


def _create(client: openai.OpenAI, input_file_id: str) -> Batch:
    # Never retried: the SDK sends no idempotency key, so a retry whose first attempt got
    # through would create (and bill) a second batch. A lost answer is found by its file.
    return client.with_options(max_retries=0).batches.create(
        input_file_id=input_file_id,
        endpoint=ENDPOINT,
        completion_window="24h",
        metadata={"created_by": "briefing weekly --batch"},
    )


def ensure_batch(state: BatchState, client: openai.OpenAI, folder: Path) -> Batch:
    """The batch of a state; created now if the run that uploaded its file did not get there."""
    if state.batch_id:
        try:
            return client.batches.retrieve(state.batch_id)
        except openai.NotFoundError:
            # Not closed silently: a new batch would pay again for one that may still run.
            raise InputError(
                f"Batch {state.batch_id} is unknown to the server (HTTP 404): it was submitted "
                "to another endpoint, or deleted.",
                f"Run with the --base-url it was submitted to, or delete "
                f"{state_path(folder, state)} to submit a new batch.",
            ) from None
    found = [
        b for b in client.batches.list(limit=100).data if b.input_file_id == state.input_file_id
    ]
    batch = found[0] if found else _create(client, state.input_file_id or "")
    state.batch_id = batch.id
    update(state, batch, folder)
    return client.batches.retrieve(batch.id) if found else batch


def update(state: BatchState, batch: Batch, folder: Path) -> None:
    """Save what the server last said of the batch: its status and counts."""
    state.status = batch.status
    if batch.request_counts is not None:
        state.done, state.failed = batch.request_counts.completed, batch.request_counts.failed
    save_state(state, folder)


def output_lines(batch: Batch, client: openai.OpenAI) -> list[str]:
    """The lines of a finished batch's output and error files."""
    lines: list[str] = []
    for file_id in (batch.output_file_id, batch.error_file_id):
        if file_id:
            lines += client.files.content(file_id).text.splitlines()
    return lines


@contextmanager
def api(settings: Settings, what: str) -> Iterator[None]:
    """Turn the SDK's errors on the Files and Batches endpoints into LLMError."""
    try:
        yield
    except openai.APIStatusError as exc:
        status = exc.status_code
        if status in (401, 403):
            hint = f"Check the key in {settings.key_env or 'the config file'}."
        elif status in (404, 405, 501):
            hint = f"{settings.base_url} may not implement the Batch API; run without --batch."
        else:
            hint = "Run the same command again: the batch state is saved, nothing is paid twice."
        message = "" if status == 401 else f": {failures.server_message(exc, settings)}"
        raise LLMError(
            f"{what} failed (HTTP {status} from {settings.base_url}){message}", hint
        ) from None
    except openai.APIConnectionError as exc:
        raise failures.transport_error(exc, settings, settings.max_retries + 1) from None
