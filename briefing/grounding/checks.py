"""The grounding checks: citations in range, every stated quantity found where it is cited,
the Chinese drawn from what it cites, English and Chinese stating the same quantities, no
blank text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from briefing.grounding.dates import relative_years
from briefing.grounding.numbers import extract_quantities
from briefing.grounding.overlap import unsupported
from briefing.grounding.quantity import Quantity, agree, supports
from briefing.grounding.statement import check_shape, check_statement, check_title
from briefing.models import Article, Bilingual, Brief, Claim, Finding, FindingKind

if TYPE_CHECKING:
    from briefing.glossary import Glossary

log = logging.getLogger(__name__)

_SIDES = (("en", "English"), ("zh", "Chinese"))


def check_brief(brief: Brief) -> list[Finding]:
    """Every finding on the brief, in document order: title, core viewpoint, then each group."""
    try:
        source = _Source(brief.article)
    except Exception as exc:  # the article's own text defeats the checks: nothing is verified
        return [check_failed("core_viewpoint", exc)]
    findings = _blank("title", brief.title) + _title(brief, "title", brief.title)
    titles_done = 0
    for path, claim in brief.claims_with_paths():
        # A group's title is checked just before its first claim, so findings read top down.
        group = _group_index(path)
        while group is not None and titles_done <= group:
            findings += _blank(f"groups[{titles_done}].title", brief.groups[titles_done].title)
            findings += _title(
                brief, f"groups[{titles_done}].title", brief.groups[titles_done].title
            )
            titles_done += 1
        findings += guarded(path, _check_claim, path, claim, source)
    for gi in range(titles_done, len(brief.groups)):
        findings += _blank(f"groups[{gi}].title", brief.groups[gi].title)
        findings += _title(brief, f"groups[{gi}].title", brief.groups[gi].title)
    return _in_order(findings + guarded("title", _shape, brief))


# Findings no code can re-derive from the file: the second reader's (--verify) judgement.
RECORDED_ONLY = frozenset({"not-supported"})


def recheck(brief: Brief, glossary: Glossary | None = None) -> list[Finding]:
    """A saved brief's findings found again: the checks, the glossary's (when one is given),
    and, as recorded, those of the second reader, which only a model call could repeat."""
    from briefing.grounding.glossary import check_glossary

    found = check_brief(brief)
    if glossary is not None:
        found += check_glossary(brief, glossary)
    return _in_order(found + [f for f in brief.findings if f.kind in RECORDED_ONLY])


def _title(brief: Brief, where: str, title: Bilingual) -> list[Finding]:
    return guarded(where, check_title, where, title.en, title.zh)


def _shape(brief: Brief) -> list[Finding]:
    """repeated-title and repeated-claim over the whole brief."""
    groups = [(f"groups[{i}].title", g.title.en, g.title.zh) for i, g in enumerate(brief.groups)]
    # The core viewpoint sums the claims up: it may say what one of them says.
    statements = [(path, c.en, c.zh) for path, c in brief.claims_with_paths()[1:]]
    return check_shape((brief.title.en, brief.title.zh), groups, statements)


def _in_order(findings: list[Finding]) -> list[Finding]:
    """The findings in document order (title, core viewpoint, each group's title and claims),
    each statement's in the order they were found."""

    def rank(f: Finding) -> tuple[int, int, int]:
        if f.where == "title":
            return (0, 0, 0)
        if f.where == "core_viewpoint":
            return (1, 0, 0)
        m = re.match(r"groups\[(\d+)\](?:\.claims\[(\d+)\])?", f.where)
        if not m:
            return (3, 0, 0)
        return (2, int(m.group(1)), int(m.group(2)) + 1 if m.group(2) else 0)

    return sorted(findings, key=rank)


def guarded(where: str, check: Callable[..., list[Finding]], *args: Any) -> list[Finding]:
    """The findings of `check(*args)` on one statement; if the check itself fails, one finding
    saying so. A bug in a check must not cost the answer it runs on, nor sink the run."""
    try:
        return check(*args)
    except Exception as exc:  # RecursionError, ValueError... on text nobody foresaw
        return [check_failed(where, exc)]


def check_failed(where: str, exc: Exception) -> Finding:
    """The finding for a statement the checks raised on (a bug): it stays unverified."""
    log.warning("The checks failed on %s: %s: %s", where, type(exc).__name__, exc)
    log.debug("Where the checks failed:", exc_info=exc)  # -vv shows it
    detail = (
        f"the checks could not run on this statement ({type(exc).__name__}); it is "
        "unverified. Please report this bug."
    )
    return Finding(where=where, kind="check-failed", severity="error", detail=detail)


def _check_claim(where: str, claim: Claim, source: _Source) -> list[Finding]:
    """Every finding on one cited statement (a claim or the core viewpoint)."""
    findings = _blank(where, claim)
    findings += _cites(where, claim.cites, len(source.paragraphs))
    cited = [n for n in dict.fromkeys(claim.cites) if 1 <= n <= len(source.paragraphs)]
    for side, _ in _SIDES:
        for q in _unique(extract_quantities(getattr(claim, side))):
            findings += _grounding(where, q, cited, source)
    # The Chinese of a claim on an English article is a translation: no wording to compare.
    if source.language == "zh" and not any(extract_quantities(claim.zh)):
        findings += _drawn_from(where, claim.zh, [source.texts[n - 1] for n in cited])
    if claim.en.strip() and claim.zh.strip():
        findings += _bilingual(where, claim, source.published_year)
    texts = [(f"paragraph {n}", text) for n, text in enumerate(source.texts, 1)]
    findings += check_statement(
        where,
        claim.en,
        claim.zh,
        [texts[n - 1] for n in cited],
        [t for n, t in enumerate(texts, 1) if n not in cited],
        source.language,
        [source.title_text, *source.texts[:1]],
    )
    # A number stated in both languages and missing from the source is one problem, not two.
    unique: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.kind, finding.detail), finding)
    return list(unique.values())


class _Source:
    """The article's quantities, extracted once: per paragraph, and in the title."""

    def __init__(self, article: Article) -> None:
        self.published_year = _year(article.published)
        self.language = article.language
        self.title_text = article.title
        self.texts = article.paragraphs
        self.title = self._quantities(article.title)
        self.paragraphs = [self._quantities(p) for p in article.paragraphs]

    def _quantities(self, text: str) -> list[Quantity]:
        return extract_quantities(text, broad=True) + relative_years(text, self.published_year)

    def paragraphs_with(self, q: Quantity) -> list[int]:
        """Numbers (1-based) of the paragraphs that back `q`."""
        return [n for n, qs in enumerate(self.paragraphs, 1) if _found(q, qs)]


def _found(q: Quantity, pool: Iterable[Quantity]) -> bool:
    return any(supports(q, s) for s in pool)


def _grounding(where: str, q: Quantity, cited: list[int], source: _Source) -> list[Finding]:
    """number-not-in-source, or number-not-in-cited naming where it does appear."""
    holders = source.paragraphs_with(q)
    if not holders and not _found(q, source.title):
        return [_finding(where, "number-not-in-source", f"{q.text} appears nowhere in the article")]
    if not cited or set(holders) & set(cited):
        return []
    elsewhere = (
        f"it appears in {_paragraphs(holders)}" if holders else "it appears only in the title"
    )
    detail = f"{q.text} not found in {_paragraphs(cited)}; {elsewhere}"
    return [_finding(where, "number-not-in-cited", detail)]


def _drawn_from(where: str, zh: str, cited: list[str]) -> list[Finding]:
    """text-not-in-cited: the Chinese shares almost no wording with the cited paragraphs."""
    detail = unsupported(zh, cited)
    return [_finding(where, "text-not-in-cited", detail)] if detail else []


def _bilingual(where: str, claim: Claim, published_year: int | None) -> list[Finding]:
    """A quantity one side states must have an equal on the other side (searched broadly)."""
    findings = []
    for (side, name), (other, other_name) in zip(_SIDES, _SIDES[::-1], strict=True):
        stated = _unique(extract_quantities(getattr(claim, side)))
        other_text = getattr(claim, other)
        offered = extract_quantities(other_text, broad=True)
        offered += relative_years(other_text, published_year)
        for q in stated:
            if any(agree(q, o) for o in offered):
                continue
            states = [o.text for o in _unique(extract_quantities(other_text))]
            says = f"which states {', '.join(states)}" if states else "which states no number"
            detail = f"the {name} states {q.text}; the {other_name} has no equal ({says})"
            findings.append(_finding(where, "bilingual-mismatch", detail))
    return findings


def _cites(where: str, cites: list[int], n_paragraphs: int) -> list[Finding]:
    if not cites:
        return [
            _finding(where, "cite-missing", "no paragraph cited; cite the paragraphs it rests on")
        ]
    bad = [n for n in dict.fromkeys(cites) if not 1 <= n <= n_paragraphs]
    if not bad:
        return []
    valid = f"paragraphs 1-{n_paragraphs}" if n_paragraphs else "no paragraphs"
    detail = f"cites {_paragraphs(bad)}, but the article has {valid}"
    return [_finding(where, "cite-out-of-range", detail)]


def _blank(where: str, text: Bilingual | Claim) -> list[Finding]:
    return [
        _finding(where, "empty-text", f"the {name} text is blank")
        for side, name in _SIDES
        if not getattr(text, side).strip()
    ]


def _finding(where: str, kind: FindingKind, detail: str) -> Finding:
    return Finding(where=where, kind=kind, severity="error", detail=detail)


def _unique(quantities: list[Quantity]) -> list[Quantity]:
    """One of each quantity a text states: "700 billion" twice is one finding, not two."""
    seen: dict[tuple[str, object, str], Quantity] = {}
    for q in quantities:
        seen.setdefault((q.kind, q.value, q.bound), q)
    return list(seen.values())


def _paragraphs(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"paragraph {numbers[0]}"
    return f"paragraphs {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def _group_index(path: str) -> int | None:
    m = re.match(r"groups\[(\d+)\]", path)
    return int(m.group(1)) if m else None


def _year(published: str | None) -> int | None:
    m = re.match(r"\d{4}", published or "")
    return int(m.group()) if m else None
