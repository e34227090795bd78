"""--verify: one more call per brief, the second reader's verdicts on every claim, stored as
`not-supported` findings and ALCE-style citation precision and recall; cached like any answer
and counted in estimates and cost. The brief is the authored answer for the Shoigu article
(examples/answers/781dc613f876.json); the verdicts are composed here, as a test's input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, load_answer
from support.cli import KEY, SHOIGU, SHOIGU_ID, run
from support.llm_server import Reply, StandIn, answer, error

from briefing import prepare_weekly, run_weekly, summarize
from briefing.brief.answers import brief_from_answer
from briefing.brief.verify import judge, numbered_claims, summed, verify_messages
from briefing.digest.estimate import estimate_run
from briefing.ingest import read_source
from briefing.llm.stack import build_stack
from briefing.models import Brief, BriefAnswer, BriefMeta, ClaimVerdictAnswer, Verification
from briefing.settings import resolve_settings


def shoigu_brief() -> Brief:
    article = read_source(SHOIGU)[0]
    answer_ = BriefAnswer.model_validate(load_answer(SHOIGU_ID))
    return brief_from_answer(
        article, answer_, BriefMeta(model="m", prompt="brief@1", generated_at="")
    )


def verdict(claim: int, kind: str, *cites: tuple[int, str]) -> dict[str, Any]:
    return {
        "claim": claim,
        "verdict": kind,
        "citations": [{"paragraph": p, "supports": s} for p, s in cites],
    }


def verdicts(*items: dict[str, Any]) -> list[ClaimVerdictAnswer]:
    return [ClaimVerdictAnswer.model_validate(v) for v in items]


# The Shoigu brief: claim 1 is the core viewpoint (cites 2, 5, 6), 2 cites [2], 3 cites [3],
# 4 [1], 5 [4], 6 [5], 7 [6], 8 [6].
def test_claims_are_numbered_core_viewpoint_first() -> None:
    claims = numbered_claims(shoigu_brief())
    assert [c.where for c in claims[:3]] == [
        "core_viewpoint",
        "groups[0].claims[0]",
        "groups[0].claims[1]",
    ]
    assert len(claims) == 8
    assert claims[2].claim.cites == [3]


def test_the_request_shows_the_cited_paragraphs_and_every_claim() -> None:
    brief = shoigu_brief()
    system, user = verify_messages(brief)
    assert "fact checker" in system.content
    # Paragraph 3 holds the 700 billion rubles; every claim is listed with its cites.
    assert f"[3] {brief.article.paragraphs[2]}" in user.content
    assert "Claim 3 (cites 3): Russia will invest 700 billion rubles" in user.content
    assert "Claim 8 (cites 6)" in user.content and "Claim 9" not in user.content


def test_recall_precision_and_findings_from_the_verdicts() -> None:
    claims = numbered_claims(shoigu_brief())
    got, findings = judge(
        claims,
        verdicts(
            verdict(1, "supported", (2, "yes"), (5, "partly"), (6, "no")),
            verdict(2, "supported", (2, "yes")),
            verdict(3, "not-supported", (3, "no")),
            verdict(4, "partly", (1, "partly")),
        ),
        shoigu_brief().article,
    )
    assert (got.claims, got.unjudged) == (4, 4)
    assert (got.supported, got.partly, got.not_supported) == (2, 1, 1)
    assert (got.citations, got.citations_supporting) == (6, 4)
    assert got.recall == 0.5  # 2 of 4 judged claims fully supported
    assert got.precision == round(4 / 6, 4)
    assert [(f.where, f.kind, f.severity) for f in findings] == [
        ("groups[0].claims[1]", "not-supported", "warning")
    ]
    assert "paragraph 3 does not support" in findings[0].detail


def test_an_untrusted_answer_is_read_defensively() -> None:
    claims = numbered_claims(shoigu_brief())
    got, findings = judge(
        claims,
        verdicts(
            verdict(0, "not-supported"),  # no claim 0
            verdict(99, "not-supported"),  # nor 99
            verdict(2, "supported", (2, "yes"), (2, "no"), (4, "no")),  # 2 again; 4 not cited
            verdict(2, "not-supported", (2, "no")),  # a second verdict on claim 2
        ),
        shoigu_brief().article,
    )
    assert (got.claims, got.supported, got.not_supported) == (1, 1, 0)
    assert (got.citations, got.citations_supporting) == (1, 1)
    assert findings == []


def test_nothing_judged_gives_no_figures() -> None:
    got, findings = judge(numbered_claims(shoigu_brief()), [], shoigu_brief().article)
    assert (got.recall, got.precision, got.unjudged) == (None, None, 8)
    assert findings == []


def test_a_digest_sums_the_counts_and_recomputes_the_ratios() -> None:
    a = Verification(claims=4, supported=4, citations=4, citations_supporting=4)
    b = Verification(claims=6, supported=1, partly=2, not_supported=3, citations=8)
    total = summed([a, None, b])
    assert total is not None
    assert (total.claims, total.supported, total.citations) == (10, 5, 12)
    assert (total.recall, total.precision) == (0.5, round(4 / 12, 4))
    assert summed([None, None]) is None


SHOIGU_ANSWER = json.dumps(load_answer(SHOIGU_ID), ensure_ascii=False)
VERIFY_ANSWER = json.dumps(
    {
        "verdicts": [
            verdict(1, "supported", (2, "yes"), (5, "yes"), (6, "yes")),
            verdict(2, "supported", (2, "yes")),
            verdict(3, "not-supported", (3, "no")),
        ]
    }
)


def respond(request: dict[str, Any]) -> Reply:
    """The brief for a brief request, the verdicts for a verify request."""
    name = request["response_format"]["json_schema"]["name"]
    if name == "verify":
        return answer(VERIFY_ANSWER)
    if name == "brief":
        return answer(SHOIGU_ANSWER)
    return error(404, f"stand-in: no answer for {name}")


def test_summarize_verify_asks_once_more_and_stores_the_result(tmp_path: Path) -> None:
    with StandIn(respond) as server:
        settings = resolve_settings(
            provider="openai-compatible", base_url=server.base_url, model="m"
        )
        stack = build_stack(settings, rate_limited=False)
        brief = summarize(SHOIGU, settings, stack=stack, verify=True)
        assert [r.body["response_format"]["json_schema"]["name"] for r in server.requests] == [
            "brief",
            "verify",
        ]
        assert brief.verification is not None
        assert (brief.verification.claims, brief.verification.unjudged) == (3, 5)
        assert [f.kind for f in brief.findings] == ["not-supported"]
        # Its cost is the brief's: both calls' usage (the stand-in reports usage).
        assert brief.meta.usage.prompt_tokens > brief.verification.usage.prompt_tokens > 0

        # A rerun pays nothing: the brief and the verdicts come from the cache.
        again = summarize(
            SHOIGU, settings, stack=build_stack(settings, rate_limited=False), verify=True
        )
        assert len(server.requests) == 2
        assert again.verification is not None
        assert again.verification.model_dump(exclude={"usage"}) == brief.verification.model_dump(
            exclude={"usage"}
        )
        assert again.verification.usage.prompt_tokens == 0  # nothing spent this time


def test_without_verify_there_is_no_second_call() -> None:
    with StandIn(respond) as server:
        settings = resolve_settings(
            provider="openai-compatible", base_url=server.base_url, model="m"
        )
        brief = summarize(
            SHOIGU, settings, stack=build_stack(settings, cache=False, rate_limited=False)
        )
    assert len(server.requests) == 1
    assert brief.verification is None
    assert not [f for f in brief.findings if f.kind == "not-supported"]


def test_summarize_cli_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with StandIn(respond) as server:
        result = run(
            "summarize", SHOIGU, "--base-url", server.base_url, "--format", "json", "--verify"
        )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["verification"]["not_supported"] == 1
    assert out["findings"][0]["kind"] == "not-supported"
    assert "Verified: 2 supported, 0 partly, 1 not supported, 5 not judged" in result.stderr
    assert "recall 67%, precision 80%" in result.stderr


def test_a_verify_answer_that_is_not_json_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    def broken(request: dict[str, Any]) -> Reply:
        if request["response_format"]["json_schema"]["name"] == "verify":
            return answer("this is not json")
        return answer(SHOIGU_ANSWER)

    with StandIn(broken) as server:
        result = run("summarize", SHOIGU, "--base-url", server.base_url, "--verify")
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "Error:" in result.stderr


def test_weekly_verify_sums_the_briefs() -> None:
    week = EXAMPLES / "weekly"
    prepared = prepare_weekly(
        [str(week / "sohu-shoigu-rare-earths.txt"), str(week / "cctv-01.json")]
    )
    assert len(prepared.articles) == 2
    answers = {
        a.id: (EXAMPLES / "answers" / f"{a.id}.json").read_text("utf-8") for a in prepared.articles
    }

    def by_article(request: dict[str, Any]) -> Reply:
        text = request["messages"][-1]["content"]
        name = request["response_format"]["json_schema"]["name"]
        if name == "verify":
            return answer(json.dumps({"verdicts": [verdict(1, "partly", (2, "partly"))]}))
        for article in prepared.articles:
            if article.title in text:
                return answer(answers[article.id])
        return error(404, "stand-in: unknown request")

    with StandIn(by_article) as server:
        settings = resolve_settings(
            provider="openai-compatible", base_url=server.base_url, model="m"
        )
        digest = run_weekly(
            prepared,
            settings,
            stack=build_stack(settings, cache=False, rate_limited=False),
            verify=True,
        ).digest
    assert not digest.failures
    assert digest.verification is not None
    assert digest.verification.claims == 2 and digest.verification.partly == 2
    assert digest.verification.recall == 0.0
    per_brief = [b.verification for b in digest.briefs]
    assert all(v is not None and v.claims == 1 for v in per_brief)
    assert (
        sum(r.body["response_format"]["json_schema"]["name"] == "verify" for r in server.requests)
        == 2
    )


def test_estimate_counts_the_verify_calls() -> None:
    prepared = prepare_weekly([str(EXAMPLES / "weekly")])
    settings = resolve_settings(provider="openai", require_key=False)
    plain = estimate_run(prepared, settings)
    verified = estimate_run(prepared, settings, verify=True)
    assert plain.verify is None and verified.verify is not None
    assert verified.verify.tokens_in > 0 and verified.verify.tokens_out > 0
    assert verified.total.tokens_in == plain.total.tokens_in + verified.verify.tokens_in
    assert verified.total.tokens_out == plain.total.tokens_out + verified.verify.tokens_out
    assert verified.cost_usd is not None and plain.cost_usd is not None
    assert verified.cost_usd > plain.cost_usd


def test_estimate_cli_verify_prints_the_share() -> None:
    week = str(EXAMPLES / "weekly")
    plain = run("estimate", week, "--json")
    verified = run("estimate", week, "--json", "--verify")
    assert plain.exit_code == verified.exit_code == 0, verified.output
    assert json.loads(plain.stdout)["verify"] is None
    share = json.loads(verified.stdout)["verify"]
    assert share["tokens_in"] > 0
    assert "--verify:" in run("estimate", week, "--verify").stdout
