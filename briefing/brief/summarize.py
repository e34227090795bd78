"""One article: article → request → model → brief → grounding → (one re-ask) → brief."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from briefing import grounding
from briefing.brief.answers import brief_from_answer
from briefing.brief.longform import budget_for, needs_split, summarize_long
from briefing.brief.reask import ask_grounded
from briefing.brief.request import brief_ask
from briefing.llm.base import LLM
from briefing.models import Article, Brief, BriefAnswer, BriefMeta, Finding, Sampling
from briefing.prompts import BRIEF_PROMPT, prompt_version

if TYPE_CHECKING:
    from briefing.glossary import Glossary


def summarize_article(
    article: Article,
    llm: LLM,
    *,
    budget_tokens: int | None = None,
    glossary: Glossary | None = None,
) -> Brief:
    """Brief one article: one call, the grounding checks, one re-ask if they found errors.

    An article whose prompt is over the model's budget is briefed in parts, then merged.
    With a `glossary`, the prompt names the entries the article holds and the brief is
    checked against them (`glossary-term` warnings).
    """
    budget = budget_for(llm.model) if budget_tokens is None else budget_tokens
    if needs_split(article, budget):
        brief = summarize_long(article, llm, budget_tokens=budget, glossary=glossary)
        return _glossary_checked(brief, glossary)
    draft_meta = BriefMeta(model=llm.model, prompt=prompt_version(BRIEF_PROMPT), generated_at="")

    def check(answer: BriefAnswer) -> list[Finding]:
        return grounding.check_brief(brief_from_answer(article, answer, draft_meta))

    ask = brief_ask(article, glossary=glossary)  # what a batch line asks, too
    result = ask_grounded(llm, ask.messages, BriefAnswer, ask.name, check)
    meta = draft_meta.model_copy(
        update={
            "model": result.model,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "usage": result.usage,
            "attempts": result.attempts,
        }
    )
    brief = brief_from_answer(article, result.value, meta)
    return _glossary_checked(brief.model_copy(update={"findings": result.findings}), glossary)


def _glossary_checked(brief: Brief, glossary: Glossary | None) -> Brief:
    if glossary is None:
        return brief
    from briefing.grounding.glossary import check_glossary

    return brief.model_copy(update={"findings": brief.findings + check_glossary(brief, glossary)})


def with_sampling(brief: Brief, sampling: Sampling | None) -> Brief:
    """`brief` with the run's sampling settings in its meta, so the run can be repeated."""
    if sampling is None:
        return brief
    return brief.model_copy(update={"meta": brief.meta.model_copy(update={"sampling": sampling})})
