"""`weekly --batch`: the OpenAI Batch API fills the response cache (see run.py)."""

from briefing.llm.batch.run import BatchOutcome, BatchPending, prefill_briefs, run_batch

__all__ = ["BatchOutcome", "BatchPending", "prefill_briefs", "run_batch"]
