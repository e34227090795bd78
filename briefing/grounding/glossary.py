"""The glossary check: a term of the cited paragraph rendered otherwise in the English.

A claim is held to a glossary term when the term occurs in a paragraph it cites and the claim
speaks of it: its Chinese names the term, or its English uses one of the term's known other
renderings (`avoid`). Its English must then hold the preferred rendering (or an accepted
one). A warning, not an error: the brief is not re-asked for it. A story synthesis and the
week in brief are held to the terms of the article paragraphs they cite in the same way
(`check_story_glossary`, `check_week_glossary`).

`term_reports` gives, across a digest, how each term was rendered (`report_line`: "商务部
rendered as MOFCOM ×5, Ministry of Commerce ×2").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from briefing.glossary import Glossary, Term
from briefing.models import Article, Brief, Finding, Story, StoryClaim, TermReport, TermUse

OTHERWISE = "otherwise"


def _speaks_of(term: Term, en: str, zh: str) -> bool:
    return term.zh in zh or any(term.rendering(en) == f for f in term.avoid)


def _held_to(
    where: str, en: str, zh: str, cited: list[tuple[str, str]], glossary: Glossary
) -> list[Finding]:
    """The findings on one statement; `cited` holds (where it is, text) of each cited paragraph:
    ("paragraph 2", …) in a brief, ("paragraph 2 of <article id>", …) in a story."""
    findings = []
    for term in glossary.terms_in(text for _, text in cited):
        if not _speaks_of(term, en, zh):
            continue
        found = term.rendering(en)
        if found == term.en:
            continue
        place = next(at for at, text in cited if term.zh in text)
        rendered = f'is rendered as "{found}"' if found else "is not rendered so"
        findings.append(
            Finding(
                where=where,
                kind="glossary-term",
                severity="warning",
                detail=f'{term.zh} ({place}) {rendered}; the glossary has "{term.en}"',
            )
        )
    return findings


def check_glossary(brief: Brief, glossary: Glossary) -> list[Finding]:
    """A `glossary-term` warning for each claim that renders a cited term otherwise."""
    findings = []
    for where, claim in brief.claims_with_paths():
        cited = [(f"paragraph {n}", text) for n, text in _cited(brief.article, claim.cites)]
        findings += _held_to(where, claim.en, claim.zh, cited, glossary)
    return findings


def check_story_glossary(
    story: Story, articles: dict[str, Article], glossary: Glossary
) -> list[Finding]:
    """The same for a story synthesis: its summary and claims (`where` relative to the story),
    each held to the terms of the article paragraphs it cites."""
    statements = [("summary", story.summary)]
    statements += [(f"claims[{i}]", claim) for i, claim in enumerate(story.claims)]
    members = {aid: articles[aid] for aid in story.articles if aid in articles}
    return _statements_held(statements, members, glossary)


def check_week_glossary(
    points: list[StoryClaim], articles: dict[str, Article], glossary: Glossary
) -> list[Finding]:
    """The same for the week in brief (`week[i]`): each point held to the terms of the
    paragraphs it cites, of `articles` (those of the stories it was drawn from)."""
    statements = [(f"week[{i}]", point) for i, point in enumerate(points)]
    return _statements_held(statements, articles, glossary)


def _statements_held(
    statements: list[tuple[str, StoryClaim]], articles: dict[str, Article], glossary: Glossary
) -> list[Finding]:
    """The findings on statements that cite article paragraphs; a cite of an article not in
    `articles` holds them to nothing (the story checks say it is out of range)."""
    findings = []
    for where, statement in statements:
        cited = [
            (f"paragraph {n} of {cite.article}", text)
            for cite in statement.cites
            if cite.article in articles
            for n, text in _cited(articles[cite.article], cite.paragraphs)
        ]
        findings += _held_to(where, statement.en, statement.zh, cited, glossary)
    return findings


def _cited(article: Article, cites: list[int]) -> list[tuple[int, str]]:
    count = len(article.paragraphs)
    return [(n, article.paragraphs[n - 1]) for n in dict.fromkeys(cites) if 1 <= n <= count]


def term_reports(briefs: Iterable[Brief], glossary: Glossary) -> list[TermReport]:
    """For each term the briefs' claims speak of, in the glossary's order: each rendering used,
    how often and by which briefs, the preferred one first, then the most used."""
    counts: dict[str, Counter[str]] = {}
    where: dict[tuple[str, str], list[str]] = {}
    for brief in briefs:
        for _, claim in brief.claims_with_paths():
            cited = [text for _, text in _cited(brief.article, claim.cites)]
            for term in glossary.terms_in([claim.zh, *cited]):
                if _speaks_of(term, claim.en, claim.zh):
                    used = term.rendering(claim.en) or OTHERWISE
                    counts.setdefault(term.zh, Counter())[used] += 1
                    ids = where.setdefault((term.zh, used), [])
                    if brief.article.id not in ids:
                        ids.append(brief.article.id)
    reports = []
    for term in glossary.terms:
        if not (found := counts.get(term.zh)):
            continue
        ordered = sorted(found.items(), key=lambda kv: (kv[0] != term.en, -kv[1], kv[0]))
        uses = [TermUse(rendering=r, count=n, articles=where[term.zh, r]) for r, n in ordered]
        reports.append(TermReport(zh=term.zh, en=term.en, uses=uses))
    return reports


def report_line(report: TermReport) -> str:
    """`商务部 rendered as MOFCOM ×5, Commerce Ministry ×2`: meta.glossary and the run's end."""
    return f"{report.zh} rendered as " + ", ".join(f"{u.rendering} ×{u.count}" for u in report.uses)
