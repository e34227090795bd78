"""briefing: Chinese articles in, verified bilingual briefs out.

The library API (the CLI is a thin layer over it):

    from briefing import resolve_settings, summarize, prepare_weekly, run_weekly, check

    settings = resolve_settings(provider="deepseek")          # flags > env > config file
    brief = summarize("article.html", settings)               # one article: a Brief
    run = run_weekly(prepare_weekly(["week/"]), settings)     # run.digest, run.stats
    findings = check(brief)                                   # the grounding checks again

Every function raises briefing.errors.BriefingError subclasses for what a user can fix,
each with a message, a hint and an exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from briefing.digest.prepare import Prepared
    from briefing.digest.run import WeeklyRun
    from briefing.glossary import Glossary
    from briefing.llm.stack import Stack
    from briefing.models import Article, Brief, Digest, Finding
    from briefing.settings import Settings

__all__ = [
    "build_stack",
    "check",
    "prepare_weekly",
    "remember_run",
    "resolve_settings",
    "run_weekly",
    "summarize",
]


def summarize(
    source: str | Article,
    settings: Settings,
    *,
    stack: Stack | None = None,
    verify: bool = False,
    glossary: str | Path | None = None,
) -> Brief:
    """Brief one article (an Article, or a file, URL or '-' to read): checked, re-asked once.

    `verify`: then ask the second reader whether the cited paragraphs support each claim
    (briefing.brief.verify): one more call. `glossary`: a glossary file; by default
    glossary.toml in the config folder, if any.
    """
    from briefing.brief.summarize import summarize_article, with_sampling
    from briefing.errors import InputError
    from briefing.llm.stack import build_stack

    if isinstance(source, str):
        from briefing.ingest import read_source
        from briefing.ingest.size import resolve_max_bytes

        articles = read_source(source, max_bytes=resolve_max_bytes(None))
        if len(articles) != 1:
            raise InputError(
                f"{source} holds {len(articles)} articles; summarize takes one.",
                "Use `briefing weekly` for a feed, or pass one article's file.",
            )
        source = articles[0]
    from briefing.glossary import resolve_glossary

    terms = resolve_glossary(glossary)
    stack = stack or build_stack(settings)
    brief = with_sampling(summarize_article(source, stack.llm, glossary=terms), settings.sampling)
    if verify:
        from briefing.brief.verify import verify_brief

        brief = verify_brief(brief, stack.llm)
    return brief


def prepare_weekly(
    inputs: list[str],
    *,
    since: str | None = None,
    until: str | None = None,
    week: str | None = None,
    max_bytes: int | None = None,
    sources: str | None = None,
    glossary: str | Path | None = None,
    register: bool = True,
) -> Prepared:
    """Read the inputs, keep the period, merge duplicates, group stories; no model call.

    `sources`: a file listing more inputs (feeds, pages, paths; see briefing.ingest.feeds).
    `since="last"`: only what no earlier run briefed (the state in the cache folder, see
    briefing.state). `glossary`: a glossary file; by default glossary.toml in the config
    folder, if any. `register`: with a shared dedupe index (README, "Workers sharing one
    index"), record there what this run will brief; False for a plan or an estimate.
    """
    from briefing.digest.lsh import storage_config
    from briefing.digest.period import parse_window
    from briefing.digest.prepare import prepare
    from briefing.glossary import resolve_glossary
    from briefing.ingest.feeds import read_sources_file
    from briefing.ingest.size import resolve_max_bytes
    from briefing.state import cache_folder, load_state

    limit = resolve_max_bytes(max_bytes)
    terms = resolve_glossary(glossary)
    if sources is not None:
        inputs = [*inputs, *read_sources_file(sources, max_bytes=limit)]
    state = load_state(cache_folder()) if since == "last" else None
    window = parse_window(None if state is not None else since, until, week)
    prepared = prepare(
        inputs,
        window,
        max_bytes=limit,
        lsh_storage=storage_config(),
        briefed=state.briefed if state is not None else (),
        seen=state.seen_urls() if state is not None else (),
        glossary=terms,
        register=register,
    )
    _log_prepared(prepared)
    return prepared


def _log_prepared(prepared: Prepared) -> None:
    """What -v shows of the steps before any model call: period, dedupe, stories."""
    import logging

    from briefing.counts import count

    log = logging.getLogger("briefing.digest")
    period = prepared.period
    log.info(
        "period %s to %s: %s kept, %d outside it, %s unreadable",
        period.start,
        period.end,
        count(len(prepared.articles), "article"),
        prepared.skipped.outside_period,
        count(len(prepared.failures), "input"),
    )
    dropped = sum(len(d.dropped) for d in prepared.duplicates)
    log.info("dedupe: %s merged into the article kept", count(dropped, "duplicate"))
    shared = sum(len(s) > 1 for s in prepared.stories)
    log.info(
        "stories: %s, %d of several articles (each synthesised by one call)",
        count(len(prepared.stories), "story"),
        shared,
    )


def run_weekly(prepared: Prepared, settings: Settings, **options: Any) -> WeeklyRun:
    """Brief a prepared week and synthesise its stories (see briefing.digest.run.run_weekly)."""
    from briefing.digest.run import run_weekly as run

    return run(prepared, settings, **options)


def remember_run(prepared: Prepared, digest: Digest) -> None:
    """Record a finished week in the state of the cache folder, as `briefing weekly` does
    once its outputs are written: a later `prepare_weekly(..., since="last")` then leaves out
    what this run briefed, and does not fetch its feed items again (see briefing.state). Two
    runs at once on one cache folder should hold `briefing.state.run_lock` as the CLI does."""
    from briefing.state import cache_folder, record_run

    record_run(cache_folder(), digest, prepared.fetched)


def check(brief: Brief, glossary: Glossary | None = None) -> list[Finding]:
    """The grounding checks on a brief, again (the article is inside it), the glossary's with
    one, and the second reader's (--verify) findings as recorded."""
    from briefing.grounding import recheck

    return recheck(brief, glossary)


def resolve_settings(**options: Any) -> Settings:
    """Settings from flags > environment > config file > provider table (see settings.load)."""
    from briefing.settings import resolve_settings as resolve

    return resolve(**options)


def build_stack(settings: Settings, **options: Any) -> Stack:
    """The client stack for `settings` (see briefing.llm.stack.build_stack)."""
    from briefing.llm.stack import build_stack as build

    return build(settings, **options)
