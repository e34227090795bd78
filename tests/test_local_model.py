# Refresh the recordings (the local model served at 127.0.0.1:18080, see PROVENANCE.md; each
# call takes minutes on 2 shared cores):
#     python scripts/record_local_model.py weekly
#     python scripts/record_local_model.py verify 01 03 06 12 27
"""The checks on real model output: Qwen2.5-Coder-1.5B-Instruct briefing real articles.

tests/cassettes/test_local_model/ holds real exchanges (kind **recorded**, see PROVENANCE.md
there) made by scripts/record_local_model.py through the real pipeline and openai client.
Two kinds of test here:

- one brief is replayed through the real client: its first request is built by the real
  prompt code and must match the recorded body (so the first-call prompt, and the sampling
  sent, are as recorded), the reply is parsed and validated, the brief built and checked;
- every recorded answer (first answers, the answers to re-asks, any synthesis and the
  verify pass) is read straight from the cassettes by its schema name, without matching any
  request, and the grounding checks run on it. labels.json next to the cassettes says, for
  statements of those answers, what mistake I judged each to make against the source text
  (or "none"), and which finding kinds of today's checks cover it; the tests assert the
  covered mistakes are flagged and the statements judged correct are not. Mistakes no check
  covers yet (code-switching, zh copied from en, a text cut at the length limit, a claim
  repeated) are labelled with an empty `expect`: scripts/real_output_findings.py counts
  them, and a new check can move them to covered.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from support.recorded import FOLDER, META, Recorded, articles, load_all, verified_brief

from briefing.brief.answers import brief_from_answer
from briefing.brief.request import brief_request
from briefing.brief.verify import judge, numbered_claims
from briefing.grounding import check_brief
from briefing.llm.stack import build_stack
from briefing.models import BriefAnswer, Sampling, VerifyAnswer
from briefing.prompts import BRIEF_PROMPT
from briefing.settings import Settings, resolve_settings

WEEKLY = FOLDER / "weekly.yaml"
# As in scripts/record_local_model.py: model and sampling are part of the recorded bodies.
MODEL = "qwen2.5-coder-1.5b-instruct"
SAMPLING = Sampling(temperature=0.2, seed=42, max_tokens=2500, timeout=900.0)

RECORDED = load_all()
BY_KEY = {item.key: item for item in RECORDED}
LABELS: list[dict[str, Any]] = json.loads((FOLDER / "labels.json").read_text("utf-8"))["labels"]


def replay_settings() -> Settings:
    """The recording's settings, at another host: replays match on path and body only."""
    return resolve_settings(
        provider="openai-compatible",
        base_url="http://replay.invalid:9/v1",
        model=MODEL,
        sampling=SAMPLING,
    )


def test_the_folder_says_it_is_recorded_and_holds_no_key() -> None:
    provenance = (FOLDER / "PROVENANCE.md").read_text("utf-8")
    assert "Kind: **recorded**" in provenance and MODEL in provenance
    assert "python scripts/record_local_model.py" in provenance
    for path in FOLDER.glob("*.yaml"):
        assert "authorization" not in path.read_text("utf-8").lower()


def test_the_first_recorded_brief_replays_through_the_real_client() -> None:
    article = articles()["01"]
    llm = build_stack(replay_settings(), replay=WEEKLY).llm
    first = llm.complete(brief_request(article).messages, BriefAnswer, name=BRIEF_PROMPT)
    assert first.model == MODEL and first.attempts == 1
    assert first.usage.completion_tokens > 500  # a whole bilingual brief, not a stub
    brief = brief_from_answer(article, first.value, META)
    assert brief.title.en == "EGL signs the稀土 Regulations"  # as the model wrote it
    # The same answer, read from the cassette without the client, gives the same findings.
    assert check_brief(brief) == BY_KEY["brief/01/1"].findings


def test_every_recorded_answer_is_read_and_checked() -> None:
    # As PROVENANCE.md says: six articles' first answers, five re-asks (12 had no error),
    # two syntheses and their re-asks, the verify pass over five briefs.
    kinds = Counter((item.kind, item.attempt) for item in RECORDED)
    assert kinds == {
        ("brief", 1): 6,
        ("brief", 2): 5,
        ("story", 1): 2,
        ("story", 2): 2,
        ("verify", 1): 5,
    }
    assert {item.article for item in RECORDED if item.kind == "brief"} == set(articles())
    for item in RECORDED:
        if item.value is None:  # an answer that is not valid is labelled as such
            assert any(
                lab["answer"] == item.key and lab["where"] == "(answer)" for lab in LABELS
            ), item.problem
    for item in RECORDED:
        if isinstance(item.value, VerifyAnswer):
            assert item.article is not None  # the verify request names its article's text


def test_the_verify_pass_judges_every_claim_of_the_recorded_brief() -> None:
    found = articles()
    passes = [item for item in RECORDED if isinstance(item.value, VerifyAnswer)]
    assert passes, "the verify pass is recorded"
    for item in passes:
        assert isinstance(item.value, VerifyAnswer)
        brief = verified_brief(item, RECORDED, found)
        claims = numbered_claims(brief)
        verification, findings = judge(claims, item.value.verdicts, brief.article)
        assert verification.claims + verification.unjudged == len(claims)
        assert len(findings) == verification.not_supported
    # What the 1.5B second reader said on article 01: every one of its 11 claims supported,
    # the core viewpoint and groups[0].claims[0] too, which labels.json judges wrong (a
    # signing date the article does not state): a small model is an uncritical verifier.
    first = next(item for item in passes if item.article == "01")
    assert isinstance(first.value, VerifyAnswer)
    assert {v.verdict for v in first.value.verdicts} == {"supported"}
    assert len(first.value.verdicts) == 11


def test_every_label_names_a_recorded_statement() -> None:
    for label in LABELS:
        item = BY_KEY.get(label["answer"])
        assert item is not None, label
        assert label["mistake"] and label["note"]


def _errors_at(item: Recorded, where: str) -> set[str]:
    return {f.kind for f in item.findings if f.where == where and f.severity == "error"}


COVERED = [lab for lab in LABELS if lab["mistake"] != "none" and lab["expect"]]
CORRECT = [lab for lab in LABELS if lab["mistake"] == "none"]
# A mistake of a kind today's checks look for that they miss on this text is labelled
# known_miss: the test is expected to fail (strictly: once a change catches it, it says so
# and the label is updated).
MISS = pytest.mark.xfail(strict=True, reason="known miss of today's checks (labels.json)")


@pytest.mark.parametrize(
    "label",
    [pytest.param(lab, marks=MISS) if lab.get("known_miss") else lab for lab in COVERED],
    ids=[f"{lab['answer']}:{lab['where']}:{lab['mistake']}" for lab in COVERED],
)
def test_a_labelled_mistake_is_flagged(label: dict[str, Any]) -> None:
    found = _errors_at(BY_KEY[label["answer"]], label["where"])
    assert found & set(label["expect"]), f"{label['note']} — found {found or 'nothing'}"


@pytest.mark.parametrize(
    "label", CORRECT, ids=[f"{lab['answer']}:{lab['where']}" for lab in CORRECT]
)
def test_a_statement_judged_correct_is_not_flagged(label: dict[str, Any]) -> None:
    assert not _errors_at(BY_KEY[label["answer"]], label["where"]), label["note"]
