"""The weekly engine: prepared inputs → a brief per article → a synthesis per story → digest.

`run_weekly` is what `briefing weekly` calls: the batch step if asked, the briefs and
stories on a pool of threads, the run's counts from the client stack. It returns the digest
and the stats; writing and posting are the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from briefing.brief.longform import budget_for, needs_split
from briefing.brief.request import brief_ask, brief_request
from briefing.brief.summarize import summarize_article, with_sampling
from briefing.brief.verify import summed, verify_brief
from briefing.digest.pool import INTERRUPTED, Interrupted, Job, Pool
from briefing.digest.prepare import Prepared
from briefing.digest.synthesis import story_ask, story_of_one, synthesize_story
from briefing.digest.week import Week, week_ask, week_in_brief
from briefing.errors import BriefingError
from briefing.glossary import Glossary
from briefing.grounding.glossary import report_line, term_reports
from briefing.llm.base import LLM, CallStats, Prefill
from briefing.llm.stack import Stack, build_stack
from briefing.models import (
    Article,
    Brief,
    Digest,
    DigestMeta,
    Failure,
    Plan,
    PlannedArticle,
    Story,
    TermReport,
    Usage,
)
from briefing.progress import Progress, quiet
from briefing.settings import Settings

__all__ = ["WeeklyRun", "build_digest", "plan_digest", "run_weekly"]


@dataclass
class WeeklyRun:
    """A weekly run's digest, what its model calls did, and whether Ctrl-C cut it short."""

    digest: Digest
    stats: CallStats
    interrupted: bool = False


def run_weekly(
    prepared: Prepared,
    settings: Settings,
    *,
    stack: Stack | None = None,
    concurrency: int | None = None,
    progress: Progress = quiet,
    batch: bool = False,
    batch_wait: float = 0.0,
    notify: Callable[[str], None] = lambda _: None,
    verify: bool = False,
) -> WeeklyRun:
    """Brief the prepared articles and synthesise their stories; a failure is listed, never
    fatal. Ctrl-C (or SIGTERM) ends the run with what was finished (`interrupted`).

    `stack`: the client stack (built from `settings` if not given; a batch run's has no rate
    limiter: its answers come from the batch, through the cache). `batch`: answer the briefs,
    then the story syntheses, then the week in brief through the OpenAI Batch API, a round
    each (briefing.llm.batch.rounds), waiting up to `batch_wait` seconds in all (BatchPending
    if a round is not done). `notify` gets the batch rounds' progress lines. `verify`: one
    more call per brief, the second reader (briefing.brief.verify).
    """
    stack = stack or build_stack(settings, rate_limited=not batch)
    rounds = None
    if batch:
        from briefing.llm.batch import Rounds

        rounds = Rounds(stack, wait=batch_wait, progress=notify)
    workers = concurrency or settings.concurrency
    interrupted = False
    try:
        digest = build_digest(
            prepared,
            stack.llm,
            settings,
            progress,
            concurrency=workers,
            verify=verify,
            prefill=rounds,
        )
    except Interrupted as stop:
        digest, interrupted = stop.digest, True
    digest.meta.cached_calls = stack.stats.hits
    digest.meta.retries = stack.stats.retries
    if rounds is not None:
        rounds.outcome.add_to(digest.meta)
    return WeeklyRun(digest, stack.stats, interrupted)


def build_digest(
    prepared: Prepared,
    llm: LLM,
    settings: Settings,
    progress: Progress = quiet,
    *,
    concurrency: int = 4,
    verify: bool = False,
    prefill: Prefill | None = None,
) -> Digest:
    """Brief every kept article, synthesise every story; a failure is listed, never fatal.

    Up to `concurrency` model calls at once (on threads, see briefing.digest.pool); briefs,
    stories and failures keep the input order. On Ctrl-C the calls in flight finish (a second
    Ctrl-C abandons them) and Interrupted is raised carrying the digest of what was done, the
    rest listed as failures "interrupted". `verify`: each brief is also verified (its call is
    part of the brief's job, its cost part of the brief's usage). `prefill`: called before
    each stage with the first call of each of its jobs (the briefs, the story syntheses, the
    week in brief), to have them answered ahead into the cache (weekly --batch).
    """
    pool = Pool(concurrency, progress)
    sampling = settings.sampling

    def brief_of(article: Article, llm: LLM) -> Brief:
        brief = with_sampling(summarize_article(article, llm, glossary=prepared.glossary), sampling)
        return verify_brief(brief, llm) if verify else brief

    if prefill is not None:  # not an article briefed in parts: its whole request is never sent
        budget = budget_for(llm.model)
        whole = [a for a in prepared.articles if not needs_split(a, budget)]
        prefill([brief_ask(a, glossary=prepared.glossary) for a in whole])
    jobs = [Job(article.id, article.title, article) for article in prepared.articles]
    briefs: list[Brief] = []
    failures = list(prepared.failures)
    usage = Usage()
    for article, outcome in zip(
        prepared.articles, pool.run("brief", jobs, llm, brief_of), strict=True
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
    if prefill is not None and to_synthesise and not pool.interrupted:
        prefill(
            [
                story_ask(m, events=prepared.events, glossary=prepared.glossary)
                for _, m in to_synthesise
            ]
        )
    synthesise = partial(synthesize_story, events=prepared.events, glossary=prepared.glossary)
    synthesised = [] if pool.interrupted else pool.run("story", story_jobs, llm, synthesise)
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
    week, stopped, glossary = Week([], [], Usage()), pool.interrupted, prepared.glossary
    ask = None if stopped or prefill is None else week_ask(stories, briefs, glossary=glossary)
    if prefill is not None and ask is not None:  # outside _week: a pending batch is no warning
        prefill([ask])
    if not stopped:
        try:
            week = _week(stories, briefs, llm, warnings, glossary)
        except KeyboardInterrupt:  # the digest of what is done is kept
            stopped = True
    usage += week.usage
    terms = _term_reports(briefs, prepared)
    digest = Digest(
        period=prepared.period,
        stories=stories,
        briefs=briefs,
        week=week.points,
        week_findings=week.findings,
        duplicates=prepared.duplicates,
        failures=failures,
        meta=DigestMeta(
            model=llm.model,
            usage=usage,
            cost_usd=settings.cost(usage),
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            warnings=prepared.warnings + warnings,
            sampling=sampling,
            glossary=[report_line(r) for r in terms or []],
            glossary_terms=terms,
        ),
        verification=summed(b.verification for b in briefs) if verify else None,
    )
    if stopped:
        raise Interrupted(digest)
    return digest


def _week(
    stories: list[Story],
    briefs: list[Brief],
    llm: LLM,
    warnings: list[str],
    glossary: Glossary | None,
) -> Week:
    """The week in brief on top of the finished stories; its failure is a warning only."""
    try:
        return week_in_brief(stories, briefs, llm, glossary=glossary)
    except BriefingError as exc:  # the stories and briefs stand without it
        warnings.append(f"No week in brief: {exc}")
    except KeyboardInterrupt:
        warnings.append(f"No week in brief: {INTERRUPTED}")
        raise
    return Week([], [], Usage())


def _term_reports(briefs: list[Brief], prepared: Prepared) -> list[TermReport] | None:
    """With a glossary: how its terms were rendered across the briefs (see DigestMeta)."""
    if prepared.glossary is None:
        return None
    return term_reports(briefs, prepared.glossary)


def plan_digest(prepared: Prepared) -> Plan:
    """What build_digest would do, with the tokens each article's prompt would send."""
    articles = [
        PlannedArticle(
            id=a.id,
            input=prepared.inputs[a.id],
            title=a.title,
            source=a.source,
            published=a.published,
            tokens=brief_request(a, glossary=prepared.glossary).tokens_in,
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
