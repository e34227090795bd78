"""The grounding checks on a story synthesis, whose claims cite paragraphs of several articles.

The same rules as for one brief: every cite names a member article and an existing paragraph,
every quantity is found in a cited paragraph, the Chinese is drawn from what it cites, English
and Chinese state the same quantities.
"""

from __future__ import annotations

from briefing.grounding.checks import (
    _bilingual,
    _blank,
    _drawn_from,
    _finding,
    _found,
    _Source,
    _unique,
    guarded,
)
from briefing.grounding.numbers import extract_quantities
from briefing.grounding.statement import check_shape, check_statement, check_title
from briefing.models import Article, Claim, Finding, Story, StoryClaim


def check_story(story: Story, articles: dict[str, Article]) -> list[Finding]:
    """Every finding on a story's title, summary and claims; `where` is relative to the story."""
    sources = {aid: _Source(articles[aid]) for aid in story.articles if aid in articles}
    findings = _blank("title", story.title)
    findings += guarded("title", check_title, "title", story.title.en, story.title.zh)
    statements = [("summary", story.summary)]
    statements += [(f"claims[{i}]", claim) for i, claim in enumerate(story.claims)]
    # A statement repeating an earlier one is reported where it stands, after its own findings.
    # The summary sums the claims up: it may say what one of them says.
    repeats = check_shape(("", ""), [], [(w, c.en, c.zh) for w, c in statements[1:]])
    for where, claim in statements:
        findings += guarded(where, _check, where, claim, sources)
        findings += [f for f in repeats if f.where == where]
    return findings


def check_week(points: list[StoryClaim], articles: dict[str, Article]) -> list[Finding]:
    """Every finding on the week in brief (`week[i]`): each point checked as a story claim,
    its cites against any article of the digest's stories."""
    sources = {aid: _Source(article) for aid, article in articles.items()}
    findings: list[Finding] = []
    for i, point in enumerate(points):
        findings += guarded(f"week[{i}]", _check, f"week[{i}]", point, sources, "this digest")
    return findings


def _check(
    where: str, claim: StoryClaim, sources: dict[str, _Source], scope: str = "this story"
) -> list[Finding]:
    plain = Claim(en=claim.en, zh=claim.zh, cites=[])
    findings = _blank(where, plain)
    cited: list[tuple[str, int]] = []
    if not claim.cites:
        findings.append(_finding(where, "cite-missing", "no article paragraph cited"))
    for cite in claim.cites:
        source = sources.get(cite.article)
        if source is None:
            detail = f"cites article {cite.article}, which is not in {scope}"
            findings.append(_finding(where, "cite-out-of-range", detail))
            continue
        n = len(source.paragraphs)
        bad = [p for p in cite.paragraphs if not 1 <= p <= n]
        if bad:
            listed = ", ".join(map(str, bad))
            detail = f"cites paragraph {listed} of {cite.article}, which has paragraphs 1-{n}"
            findings.append(_finding(where, "cite-out-of-range", detail))
        cited += [(cite.article, p) for p in cite.paragraphs if 1 <= p <= n]
    for side in ("en", "zh"):
        for q in _unique(extract_quantities(getattr(claim, side))):
            holders = [
                (aid, n)
                for aid, source in sources.items()
                for n, pool in enumerate(source.paragraphs, 1)
                if _found(q, pool)
            ]
            if not holders:
                detail = f"{q.text} appears in none of the story's articles"
                findings.append(_finding(where, "number-not-in-source", detail))
            elif cited and not set(holders) & set(cited):
                places = "; ".join(f"{aid} paragraph {n}" for aid, n in holders[:3])
                detail = f"{q.text} not found in the cited paragraphs; it appears in {places}"
                findings.append(_finding(where, "number-not-in-cited", detail))
    if not any(extract_quantities(claim.zh)):  # the numbers are checked one by one above
        findings += _drawn_from(where, claim.zh, [sources[aid].texts[p - 1] for aid, p in cited])
    if claim.en.strip() and claim.zh.strip():
        first = next(iter(sources.values()), None)
        findings += _bilingual(where, plain, first.published_year if first else None)
    labelled = {
        (aid, n): (f"paragraph {n} of {aid}", text)
        for aid, source in sources.items()
        for n, text in enumerate(source.texts, 1)
    }
    languages = [sources[aid].language for aid, _ in cited]
    findings += check_statement(
        where,
        claim.en,
        claim.zh,
        [labelled[c] for c in dict.fromkeys(cited)],
        [text for key, text in labelled.items() if key not in cited],
        max(set(languages), key=languages.count) if languages else "zh",
        [t for source in sources.values() for t in [source.title_text, *source.texts[:1]]],
    )
    return findings
