"""`weekly --batch`: the OpenAI Batch API fills the response cache, in rounds (see rounds.py)."""

from briefing.llm.batch.rounds import Rounds, batch_requests
from briefing.llm.batch.run import BatchOutcome, BatchPending, run_batch

__all__ = [
    "BatchOutcome",
    "BatchPending",
    "Rounds",
    "batch_requests",
    "run_batch",
]
