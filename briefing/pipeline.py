"""The stages in order, as in the architecture diagram.

One article: article → prompt → model → brief → grounding → (one re-ask) → brief.
A week: prepared inputs → a brief per article → a synthesis per story → digest.
"""

from __future__ import annotations

from datetime import UTC, datetime

from briefing.answers import brief_from_answer
from briefing.digest.prepare import Prepared
from briefing.digest.synthesis import story_of_one, synthesize_story
from briefing.grounding import check_brief
from briefing.limits import INTERRUPTED, Interrupted, Job, Pool
from briefing.llm.base import LLM
from briefing.longform import budget_for, needs_split, summarize_long
from briefing.models import (
    Article,
    Brief,
    BriefAnswer,
    BriefMeta,
    Digest,
    DigestMeta,
    Failure,
    Finding,
    Plan,
    PlannedArticle,
    Story,
    Usage,
)
from briefing.pricing import cost_usd
from briefing.progress import Progress, quiet
from briefing.prompts import BRIEF_PROMPT as PROMPT
from briefing.prompts import prompt_version, render_messages
from briefing.reask import ask_grounded
from briefing.tokens import count_tokens

__all__ = ["PROMPT", "brief_from_answer", "build_digest", "plan_digest", "summarize_article"]


def summarize_article(article: Article, llm: LLM, *, budget_tokens: int | None = None) -> Brief:
    """Brief one article: one call, the grounding checks, one re-ask if they found errors.

    An article whose prompt is over the model's budget is briefed in parts, then merged.
    """
    budget = budget_for(llm.model) if budget_tokens is None else budget_tokens
    if needs_split(article, budget):
        return summarize_long(article, llm, budget_tokens=budget)
    draft_meta = BriefMeta(model=llm.model, prompt=prompt_version(PROMPT), generated_at="")

    def check(answer: BriefAnswer) -> list[Finding]:
        return check_brief(brief_from_answer(article, answer, draft_meta))

    messages = render_messages(PROMPT, article=article)
    result = ask_grounded(llm, messages, BriefAnswer, PROMPT, check)
    meta = draft_meta.model_copy(
        update={
            "model": result.model,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "usage": result.usage,
            "attempts": result.attempts,
        }
    )
    brief = brief_from_answer(article, result.value, meta)
    return brief.model_copy(update={"findings": result.findings})


def build_digest(
    prepared: Prepared, llm: LLM, progress: Progress = quiet, *, concurrency: int = 4
) -> Digest:
    """Brief every kept article, synthesise every story; a failure is listed, never fatal.

    Up to `concurrency` model calls at once (on threads, see briefing.limits.Pool); briefs,
    stories and failures keep the input order. On Ctrl-C the calls in flight finish (a second
    Ctrl-C abandons them) and Interrupted is raised carrying the digest of what was done, the
    rest listed as failures "interrupted".
    """
    pool = Pool(concurrency, progress)
    jobs = [Job(article.id, article.title, article) for article in prepared.articles]
    briefs: list[Brief] = []
    failures = list(prepared.failures)
    usage = Usage()
    for article, outcome in zip(
        prepared.articles, pool.run("brief", jobs, llm, summarize_article), strict=True
    ):
        if outcome.value is None:
            failures.append(Failure(input=prepared.inputs[article.id], error=str(outcome.error)))
            continue
        briefs.append(outcome.value)
        usage += outcome.value.meta.usage

    by_id = {brief.article.id: brief for brief in briefs}
    members = [[by_id[i] for i in story if i in by_id] for story in prepared.stories]
    to_synthesise = [(n, m) for n, m in enumerate(members) if len(m) > 1]
    story_jobs = [
        Job(m[0].article.id, f"{m[0].title.en} (+{len(m) - 1})", m) for _, m in to_synthesise
    ]
    # Once interrupted, no story is synthesised: its articles stand as stories of one.
    synthesised = [] if pool.interrupted else pool.run("story", story_jobs, llm, synthesize_story)
    outcomes = dict(zip((n for n, _ in to_synthesise), synthesised, strict=False))
    stories: list[Story] = []
    warnings: list[str] = []
    for n, member_briefs in enumerate(members):
        synthesis = outcomes.get(n)
        if synthesis is not None and synthesis.value is not None:
            story, spent = synthesis.value
            stories.append(story)
            usage += spent
            continue
        if len(member_briefs) > 1:
            error = synthesis.error if synthesis is not None else INTERRUPTED
            warnings.append(
                f"No synthesis for the story of {', '.join(prepared.stories[n])}: {error}"
            )
        stories += [story_of_one(brief) for brief in member_briefs]
    # Top stories first: the most articles, then the order they were read in.
    order = {aid: n for n, aid in enumerate(prepared.inputs)}
    stories.sort(key=lambda s: (-len(s.articles), min(order.get(a, 0) for a in s.articles)))
    digest = Digest(
        period=prepared.period,
        stories=stories,
        briefs=briefs,
        duplicates=prepared.duplicates,
        failures=failures,
        meta=DigestMeta(
            model=llm.model,
            usage=usage,
            cost_usd=cost_usd(llm.model, usage),
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            warnings=warnings,
        ),
    )
    if pool.interrupted:
        raise Interrupted(digest)
    return digest


def plan_digest(prepared: Prepared) -> Plan:
    """What build_digest would do, with the tokens each article's prompt would send."""
    articles = [
        PlannedArticle(
            id=a.id,
            input=prepared.inputs[a.id],
            title=a.title,
            source=a.source,
            published=a.published,
            tokens=sum(count_tokens(m.content) for m in render_messages(PROMPT, article=a)),
        )
        for a in prepared.articles
    ]
    return Plan(
        period=prepared.period,
        articles=articles,
        duplicates=prepared.duplicates,
        stories=prepared.stories,
        failures=prepared.failures,
        skipped=prepared.skipped,
    )
