"""`weekly --batch` in rounds: each stage's calls answered ahead by one batch, into the cache.

The calls of a week depend on each other: a story's synthesis reads its articles' briefs,
and the week in brief reads the stories' syntheses. So the batch goes in rounds, one per
stage: round 1 the briefs, round 2 the story syntheses (built from the briefs round 1
answered), round 3 the week in brief (built from the stories). `build_digest` calls the
`Rounds` before each stage with the calls it is about to make (`Ask`s, built by the very
functions the stage calls with), so each line is the request a live call would send, under
the key the call looks up: the stage then finds every answer in the cache.

Each round is one `run_batch`: submitted once, remembered in the cache folder, resumed by the
same command (BatchPending, exit 75, while it runs). A rerun finds the rounds before in the
cache and picks up where the last one stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from briefing.llm.base import Ask
from briefing.llm.batch.api import BatchRequest
from briefing.llm.batch.run import BatchOutcome, Progress, backend, run_batch
from briefing.llm.stack import Stack


def batch_requests(asks: list[Ask], stack: Stack) -> list[BatchRequest]:
    """The batch line of each ask: its cache key and the exact body a live call sends."""
    cached, chat = backend(stack)
    # The client's own request builder and the cache's own key: a line cannot drift from
    # the live request, nor be stored where the call does not look.
    return [
        BatchRequest(
            key=cached.key(ask.messages, ask.schema, ask.name),
            label=ask.label,
            name=ask.name,
            body=chat.request_body(chat.start(ask.messages), ask.schema, ask.name),
            schema=ask.schema,
        )
        for ask in asks
    ]


class Rounds:
    """A `Prefill` for `build_digest`: each call answers one stage's asks through a batch.

    `wait`: seconds to wait for the batches of this run, all rounds together (0: poll each
    once). `outcome`: what every round stored and what it cost, at the batch price.
    """

    def __init__(
        self,
        stack: Stack,
        *,
        wait: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        progress: Progress = lambda _: None,
    ) -> None:
        backend(stack)  # a provider without the Batch API fails before anything is built
        self.stack, self.sleep, self.clock, self.progress = stack, sleep, clock, progress
        self.deadline = clock() + wait
        self.outcome = BatchOutcome()

    def __call__(self, asks: list[Ask]) -> None:
        """Answer `asks` through one batch (submitted or resumed), into the response cache."""
        if not asks:
            return
        done = run_batch(
            batch_requests(asks, self.stack),
            self.stack,
            wait=max(0.0, self.deadline - self.clock()),
            sleep=self.sleep,
            clock=self.clock,
            progress=self.progress,
        )
        self.outcome.merge(done)
