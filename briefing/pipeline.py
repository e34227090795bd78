"""The stages in order: article → prompt → model → brief → grounding → (one re-ask) → brief."""

from __future__ import annotations

from datetime import UTC, datetime

from briefing.errors import LLMError
from briefing.grounding import check_brief
from briefing.llm.base import LLM, ChatMessage, Completion
from briefing.models import (
    Article,
    Bilingual,
    Brief,
    BriefAnswer,
    BriefMeta,
    Claim,
    Group,
    Usage,
)
from briefing.prompts import prompt_version, render_messages, render_text

PROMPT = "brief"


def summarize_article(article: Article, llm: LLM) -> Brief:
    """Brief one article: one call, the grounding checks, one re-ask if they found errors."""
    messages = render_messages(PROMPT, article=article)
    first = llm.complete(messages, BriefAnswer, name=PROMPT)
    brief = _assemble(article, first, first.usage, first.attempts)
    if not brief.errors:
        return brief

    fix = render_text("brief_fix", findings=brief.errors)
    retry = [*messages, ChatMessage(role="assistant", content=first.raw)]
    retry.append(ChatMessage(role="user", content=fix))
    try:
        second = llm.complete(retry, BriefAnswer, name=PROMPT)
    except LLMError:
        # The first answer is paid for and usable: keep it with its findings.
        return brief
    usage = first.usage + second.usage
    attempts = first.attempts + second.attempts
    revised = _assemble(article, second, usage, attempts)
    # Keep the better answer; on a tie the revision, which was asked to mend the first.
    if len(revised.errors) <= len(brief.errors):
        return revised
    return brief.model_copy(update={"meta": revised.meta})


def brief_from_answer(article: Article, answer: BriefAnswer, meta: BriefMeta) -> Brief:
    """The Brief an answer makes for `article`, before any check has run."""
    return Brief(
        article=article,
        title=Bilingual(**answer.title.model_dump()),
        core_viewpoint=Claim(**answer.core_viewpoint.model_dump()),
        groups=[
            Group(
                title=Bilingual(**group.title.model_dump()),
                claims=[Claim(**claim.model_dump()) for claim in group.claims],
            )
            for group in answer.groups
        ],
        meta=meta,
    )


def _assemble(
    article: Article, completion: Completion[BriefAnswer], usage: Usage, attempts: int
) -> Brief:
    """Turn a validated answer into a Brief and attach what the checks find."""
    meta = BriefMeta(
        model=completion.model,
        prompt=prompt_version(PROMPT),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        usage=usage,
        attempts=attempts,
    )
    brief = brief_from_answer(article, completion.value, meta)
    return brief.model_copy(update={"findings": check_brief(brief)})
