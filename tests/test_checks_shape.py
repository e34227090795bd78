"""The shape of an answer: zh-copies-en, repeated-claim, repeated-title, cut-off.

Each failing case is a correct authored brief (examples/answers/) with one thing done the
way the tiny model really did it (tests/cassettes/test_tiny_model/: the title copied into
every group, texts cut at 600 characters, Chinese in both fields; one claim written seven
times was its revision in the recording of 2026-11-29, in that cassette's git history).
"""

from __future__ import annotations

from checks_support import example_articles, example_brief, found

from briefing.grounding.shape import limit
from briefing.models import Bilingual, Brief

MOFCOM = "02b2306466b4"  # examples/weekly/cctv-03.json: MOFCOM on the Kuala Lumpur talks


def brief() -> Brief:
    return example_brief(example_articles()[MOFCOM])


def test_the_correct_brief_has_none_of_these() -> None:
    assert found(brief()) == []


def test_the_chinese_copied_from_the_english_is_one_finding() -> None:
    b = brief()
    claim = b.groups[1].claims[0]
    claim.zh = claim.en
    [finding] = found(b)
    assert (finding.where, finding.kind) == ("groups[1].claims[0]", "zh-copies-en")
    assert finding.detail == "the Chinese is a copy of the English: write the Chinese in Chinese"


def test_the_english_copied_from_the_chinese() -> None:
    b = brief()
    b.title.en = b.title.zh
    [finding] = found(b)
    assert (finding.where, finding.kind) == ("title", "zh-copies-en")
    assert finding.detail.startswith("the English is a copy of the Chinese")


def test_a_near_copy_counts_and_a_translation_does_not() -> None:
    b = brief()
    claim = b.groups[1].claims[0]
    claim.zh = claim.en.replace("cancel", "scrap") + " "
    assert [f.kind for f in found(b)] == ["zh-copies-en"]
    assert found(brief()) == []  # the real Chinese of the same claim


def test_a_claim_repeated_is_flagged_where_it_repeats() -> None:
    b = brief()
    first = b.groups[1].claims[0]
    b.groups[3].claims.append(first.model_copy())
    [finding] = found(b)
    assert (finding.where, finding.kind) == ("groups[3].claims[2]", "repeated-claim")
    assert finding.detail == "it says again what groups[1].claims[0] says: drop it or say more"


def test_the_core_viewpoint_may_restate_a_claim() -> None:
    b = brief()
    b.core_viewpoint = b.groups[1].claims[0].model_copy()
    assert found(b, "repeated-claim") == []


def test_a_group_title_repeated() -> None:
    b = brief()
    b.groups[2].title = b.groups[0].title.model_copy()
    [finding] = found(b)
    assert (finding.where, finding.kind) == ("groups[2].title", "repeated-title")
    assert finding.detail == "the same title as groups[0].title: name what this group is about"


def test_the_brief_s_title_copied_into_every_group() -> None:
    b = brief()
    for group in b.groups:
        group.title = Bilingual(en=b.title.en, zh=b.title.zh)
    findings = found(b)
    assert [f.where for f in findings] == [f"groups[{i}].title" for i in range(len(b.groups))]
    assert {f.kind for f in findings} == {"repeated-title"}


def test_a_text_cut_at_the_schema_limit_mid_sentence() -> None:
    b = brief()
    claim = b.groups[1].claims[0]
    most = limit("claim")
    assert most == 600  # ClaimText in briefing/models/answers.py
    claim.en = (claim.en + " ") * 10
    claim.en = claim.en[:most]  # how the schema's grammar stops a model
    kinds = [(f.kind, f.detail.split(":")[0]) for f in found(b)]
    assert ("cut-off", "the English text stops at the 600-character limit (…" + claim.en[-12:]
            + ")") in kinds  # fmt: skip


def test_a_long_text_that_ends_its_sentence_is_not_cut_off() -> None:
    b = brief()
    claim = b.groups[1].claims[0]
    claim.en = (claim.en + " ") * 10
    claim.en = claim.en[: limit("claim") - 1].rstrip() + "."
    assert found(b, "cut-off") == []
    claim.en = claim.en[:400]  # short of the limit: a model stopping there was not cut
    assert found(b, "cut-off") == []
