"""The second reader (`--verify`): one more call per brief asks, claim by claim, whether the
cited paragraphs support the claim (supported / partly / not-supported), ALCE-style.

The verdicts become `not-supported` findings and the brief's `verification`: citation recall
(claims fully supported by what they cite) and precision (citations that support their
claim). The answer is not trusted: a verdict on a claim number the brief does not have, a
second verdict on the same claim, or one on a paragraph the claim does not cite is ignored;
a claim left out is counted as unjudged, in neither figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from briefing.brief.request import prompt_tokens
from briefing.llm.base import LLM, ChatMessage
from briefing.models import (
    Article,
    Brief,
    Claim,
    ClaimVerdictAnswer,
    Finding,
    Verification,
    VerifyAnswer,
)
from briefing.prompts import render_messages

PROMPT = "verify"
# Tokens a verdict takes in the answer (claim number, verdict, a verdict per citation),
# measured on the recorded verify pass (tests/cassettes/test_local_model/verify.yaml).
TOKENS_PER_CLAIM = 45


@dataclass(frozen=True)
class Numbered:
    """One claim of a brief as the verify prompt numbers it, and where it is in the brief."""

    where: str
    claim: Claim


def numbered_claims(brief: Brief) -> list[Numbered]:
    """The core viewpoint, then every claim in order: claim 1, 2, … of the prompt."""
    claims = [Numbered("core_viewpoint", brief.core_viewpoint)]
    for g, group in enumerate(brief.groups):
        claims += [Numbered(f"groups[{g}].claims[{c}]", cl) for c, cl in enumerate(group.claims)]
    return claims


def verify_messages(brief: Brief) -> list[ChatMessage]:
    """The verify request: the paragraphs the brief cites (in range), then the claims."""
    claims = [n.claim for n in numbered_claims(brief)]
    return render_messages(PROMPT, paragraphs=_cited(brief.article, claims), claims=claims)


def verify_brief(brief: Brief, llm: LLM) -> Brief:
    """`brief` with the second reader's verdicts: `not-supported` findings and `verification`.

    One call through `llm` (the stack: cached, counted, budgeted like any answer); what it
    cost is added to the brief's `meta.usage`. An LLMError (no usable answer) propagates.
    """
    claims = numbered_claims(brief)
    result = llm.complete(verify_messages(brief), VerifyAnswer, name=PROMPT)
    verification, findings = judge(claims, result.value.verdicts, brief.article)
    verification = verification.model_copy(update={"usage": result.usage})
    meta = brief.meta.model_copy(update={"usage": brief.meta.usage + result.usage})
    return brief.model_copy(
        update={
            "findings": [*brief.findings, *findings],
            "verification": verification,
            "meta": meta,
        }
    )


def judge(
    claims: list[Numbered], verdicts: Iterable[ClaimVerdictAnswer], article: Article
) -> tuple[Verification, list[Finding]]:
    """The figures and findings the verdicts give on `claims` (numbered from 1)."""
    by_number: dict[int, ClaimVerdictAnswer] = {}
    for verdict in verdicts:
        if 1 <= verdict.claim <= len(claims) and verdict.claim not in by_number:
            by_number[verdict.claim] = verdict
    counts = {"supported": 0, "partly": 0, "not-supported": 0}
    citations = supporting = 0
    findings = []
    for number, item in enumerate(claims, start=1):
        found = by_number.get(number)
        if found is None:
            continue
        counts[found.verdict] += 1
        cited = set(_in_range(item.claim.cites, article))
        seen: set[int] = set()
        for citation in found.citations:
            if citation.paragraph in cited and citation.paragraph not in seen:
                seen.add(citation.paragraph)
                citations += 1
                supporting += citation.supports != "no"
        if found.verdict == "not-supported":
            cites = item.claim.cites
            paragraphs = (
                f"paragraph {cites[0]} does"
                if len(cites) == 1
                else f"paragraphs {', '.join(map(str, cites))} do"
            )
            findings.append(
                Finding(
                    where=item.where,
                    kind="not-supported",
                    severity="warning",
                    detail=f"the second reader (--verify) found that {paragraphs} not "
                    "support this claim: read the claim against the source",
                )
            )
    judged = sum(counts.values())
    verification = Verification(
        claims=judged,
        unjudged=len(claims) - judged,
        supported=counts["supported"],
        partly=counts["partly"],
        not_supported=counts["not-supported"],
        citations=citations,
        citations_supporting=supporting,
    )
    return with_ratios(verification), findings


def with_ratios(v: Verification) -> Verification:
    """`v` with recall and precision computed from its counts."""
    return v.model_copy(
        update={
            "recall": round(v.supported / v.claims, 4) if v.claims else None,
            "precision": round(v.citations_supporting / v.citations, 4) if v.citations else None,
        }
    )


def summed(verifications: Iterable[Verification | None]) -> Verification | None:
    """The figures of many briefs summed (a digest's); None when none was verified."""
    present = [v for v in verifications if v is not None]
    if not present:
        return None
    total = Verification()
    for v in present:
        total = total.model_copy(
            update={
                "claims": total.claims + v.claims,
                "unjudged": total.unjudged + v.unjudged,
                "supported": total.supported + v.supported,
                "partly": total.partly + v.partly,
                "not_supported": total.not_supported + v.not_supported,
                "citations": total.citations + v.citations,
                "citations_supporting": total.citations_supporting + v.citations_supporting,
                "usage": total.usage + v.usage,
            }
        )
    return with_ratios(total)


def expected_verify_tokens(article: Article, brief_tokens: int) -> tuple[int, int]:
    """Tokens (in, out) a verify call is expected to take for an article whose brief is
    expected to be `brief_tokens` long: the prompt with every paragraph (the most a brief
    can cite) and the brief's claims; a verdict per claim out."""
    cited = list(enumerate(article.paragraphs, start=1))
    messages = render_messages(PROMPT, paragraphs=cited, claims=[])
    tokens_in = prompt_tokens(messages) + brief_tokens
    claims = max(1, brief_tokens // 60)  # a bilingual claim is about 60 tokens of a brief
    return tokens_in, TOKENS_PER_CLAIM * claims


def _in_range(cites: list[int], article: Article) -> list[int]:
    return [c for c in cites if 1 <= c <= len(article.paragraphs)]


def _cited(article: Article, claims: list[Claim]) -> list[tuple[int, str]]:
    """(number, text) of every paragraph some claim cites, in order."""
    numbers = sorted({c for claim in claims for c in _in_range(claim.cites, article)})
    return [(n, article.paragraphs[n - 1]) for n in numbers]
