"""The glossary: given to the model only when in use and only the entries an article holds,
checked in the output (`glossary-term`), and its consistency reported across a digest.

The briefs checked are the authored answers of examples/answers/ over the real CCTV articles
of examples/weekly/ (written by hand for the examples, not for these tests, and not model
output); the glossary is the starter one shipped in the package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, load_answer
from support.llm_server import StandIn, answer_book

from briefing.brief.answers import brief_from_answer
from briefing.brief.request import brief_request
from briefing.errors import InputError
from briefing.glossary import Glossary, Term, load_glossary, starter_glossary_path
from briefing.grounding.glossary import check_glossary, report_line, term_reports
from briefing.ingest import read_source
from briefing.models import Article, Brief, BriefAnswer, BriefMeta, Digest

WEEK = EXAMPLES / "weekly"
SHOIGU = EXAMPLES / "shoigu-rare-earths.txt"
BRIEFING = str(Path(sys.executable).parent / "briefing")
META = BriefMeta(model="authored", prompt="brief@1", generated_at="")


@pytest.fixture(scope="module")
def starter() -> Glossary:
    return load_glossary(starter_glossary_path())


def article(name: str) -> Article:
    (found,) = read_source(str(WEEK / name))
    return found


def authored(name: str, edit: tuple[str, str] | None = None) -> Brief:
    """The authored brief of examples/weekly/NAME, with `edit` (old, new) applied to it."""
    source = article(name)
    text = json.dumps(load_answer(source.id), ensure_ascii=False)
    if edit is not None:
        assert edit[0] in text
        text = text.replace(*edit)
    return brief_from_answer(source, BriefAnswer.model_validate_json(text), META)


def test_without_a_glossary_the_prompt_is_unchanged(starter: Glossary) -> None:
    # The bytes the recorded cassettes match: none of the starter's terms is in this page.
    (page,) = read_source(str(Path(__file__).parent / "data" / "html" / "01.html"))
    assert starter.for_article(page) == []
    plain = brief_request(page).messages
    assert brief_request(page, glossary=starter).messages == plain
    assert "glossary" not in plain[1].content


def test_only_the_terms_the_article_holds_are_given(starter: Glossary) -> None:
    (shoigu,) = read_source(str(SHOIGU))
    plain = brief_request(shoigu).messages[1].content
    given = brief_request(shoigu, glossary=starter).messages[1].content
    block = (
        "Write these terms and names in English as the user's glossary gives them:\n"
        "- 绍伊古: Shoigu\n- 稀土: rare earths\n- 人民币: yuan\n- 产业链: industrial chain\n"
    )
    marker = "].\n\n<<<ARTICLE"
    assert given == plain.replace(marker, "].\n" + block + "\n<<<ARTICLE")
    assert "商务部" not in given and "何立峰" not in given


def test_a_longer_name_is_not_its_shorter_entry(starter: Glossary) -> None:
    # cctv-07: 美国财政部长贝森特及商务部长卢特尼克 holds 财政部 and 商务部 only inside names.
    terms = [t.zh for t in starter.terms_in(["美国财政部长贝森特及商务部长卢特尼克"])]
    assert sorted(terms) == sorted(["商务部长", "美国财政部长", "贝森特"])
    assert [t.zh for t in starter.terms_in(["商务部新闻发言人"])] == ["商务部"]


def test_a_term_rendered_otherwise_is_found(starter: Glossary) -> None:
    findings = check_glossary(authored("cctv-02.json"), starter)
    commerce = [f for f in findings if f.detail.startswith("商务部 ")]
    assert {f.where for f in commerce} >= {"groups[1].claims[0]", "groups[3].claims[0]"}
    assert all(f.kind == "glossary-term" and f.severity == "warning" for f in findings)
    assert commerce[0].detail == (
        '商务部 (paragraph 2) is rendered as "Commerce Ministry"; the glossary has "MOFCOM"'
    )


def test_the_preferred_rendering_passes(starter: Glossary) -> None:
    # Left: the one claim whose English leaves the ministry out ("Its Announcement No. 21 …").
    left = {"groups[2].claims[2]"}
    fixed = authored("cctv-02.json", ("Commerce Ministry", "MOFCOM"))
    assert {f.where for f in check_glossary(fixed, starter) if "商务部 (" in f.detail} == left
    # A fuller form that holds the preferred one passes too.
    fuller = authored("cctv-02.json", ("Commerce Ministry", "Ministry of Commerce (MOFCOM)"))
    assert {f.where for f in check_glossary(fuller, starter) if "商务部 (" in f.detail} == left


def test_a_claim_that_does_not_speak_of_the_term_is_not_held_to_it() -> None:
    # cctv-07's paragraph 1 names 国务院副总理何立峰; a glossary of only 何立峰 holds the claims
    # whose Chinese names him, and no other claim citing that paragraph.
    only = Glossary(path="t", terms=[Term(zh="何立峰", en="He Lifeng")])
    brief = authored("cctv-07.json")
    assert check_glossary(brief, only) == []  # the authored English says "He Lifeng"
    renamed = authored("cctv-07.json", ("He Lifeng", "Lifeng He"))
    flagged = check_glossary(renamed, only)
    assert flagged and all("何立峰 (paragraph" in f.detail for f in flagged)
    paths = dict(renamed.claims_with_paths())
    assert all("何立峰" in paths[f.where].zh for f in flagged)


def consistency(briefs: list[Brief], glossary: Glossary) -> list[str]:
    """The lines of meta.glossary, as the digest writes them."""
    return [report_line(report) for report in term_reports(briefs, glossary)]


def test_the_digest_reports_how_consistent_names_are(starter: Glossary) -> None:
    briefs = [authored("cctv-02.json"), authored("cctv-03.json"), authored("cctv-07.json")]
    lines = consistency(briefs, starter)
    commerce = next(line for line in lines if line.startswith("商务部 "))
    assert commerce.startswith("商务部 rendered as Commerce Ministry ×")
    assert "Lifeng" not in commerce
    half = [authored("cctv-02.json", ("Commerce Ministry", "MOFCOM")), authored("cctv-03.json")]
    mixed = next(line for line in consistency(half, starter) if line.startswith("商务部 "))
    assert mixed.startswith("商务部 rendered as MOFCOM ×")  # the preferred one first


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[terms\n"稀土" = 1', "is not valid TOML"),
        ('title = "x"\n', "has no [terms] table"),
        ('[terms]\n"稀土" = 1\n', "the entry '稀土' is wrong"),
        ('[terms]\n"稀土" = { accept = ["rare earth"] }\n', "the entry '稀土' is wrong"),
        ('[terms]\n"稀土" = "  "\n', "the entry '稀土' is wrong"),
    ],
)
def test_a_bad_glossary_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "glossary.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        load_glossary(path)


def briefing(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": "sk-test"}
    return subprocess.run(
        [BRIEFING, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _book(*names: str) -> dict[str, str]:
    return {
        f"[1] {article(n).paragraphs[0]}": json.dumps(load_answer(article(n).id)) for n in names
    }


def test_summarize_gives_and_checks_the_glossary(tmp_path: Path) -> None:
    source = str(WEEK / "cctv-02.json")
    with StandIn(answer_book(_book("cctv-02.json"))) as server:
        plain = briefing("summarize", source, "--format", "json", "--base-url", server.base_url)
        given = briefing(
            "summarize", source, "--format", "json", "--base-url", server.base_url,
            "--glossary", str(starter_glossary_path()),
        )  # fmt: skip
        prompts = [r.body["messages"][1]["content"] for r in server.requests]
    assert plain.returncode == 0 and given.returncode == 0, given.stderr
    assert "glossary" not in prompts[0] and "- 商务部: MOFCOM\n" in prompts[1]
    assert "- 何立峰" not in prompts[1]  # not in this article
    kinds = [f["kind"] for f in json.loads(plain.stdout)["findings"]]
    assert "glossary-term" not in kinds
    flagged = [f for f in json.loads(given.stdout)["findings"] if f["kind"] == "glossary-term"]
    assert any("Commerce Ministry" in f["detail"] for f in flagged)

    bad = tmp_path / "bad.toml"
    bad.write_text("[terms", "utf-8")
    result = briefing("summarize", source, "--glossary", str(bad), "--base-url", "http://x")
    assert result.returncode == 2 and "is not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_weekly_takes_glossary_toml_from_the_config_folder(tmp_path: Path) -> None:
    config = Path(os.environ["BRIEFING_CONFIG"]).parent
    config.mkdir(parents=True, exist_ok=True)
    shutil.copy(starter_glossary_path(), config / "glossary.toml")
    out = tmp_path / "out"
    with StandIn(answer_book(_book("cctv-02.json"))) as server:
        result = briefing(
            "weekly", str(WEEK / "cctv-02.json"), "-o", str(out), "--formats", "json,md",
            "--base-url", server.base_url,
        )  # fmt: skip
        assert "- 商务部: MOFCOM\n" in server.requests[0].body["messages"][1]["content"]
    assert result.returncode == 0, result.stderr
    digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
    (commerce,) = [line for line in digest.meta.glossary if line.startswith("商务部 ")]
    assert commerce.startswith("商务部 rendered as Commerce Ministry ×")
    assert f"Glossary: {commerce}" in result.stderr


def test_each_part_of_a_long_article_gets_the_terms_it_holds(starter: Glossary) -> None:
    from briefing.brief.longform import part_prompt, split_article

    source = article("cctv-02.json")  # 商务部 in paragraphs 2 and 4, 海关总署 in 5
    parts = split_article(source, 700)
    assert len(parts) > 2
    for part in parts:
        prompt = part_prompt(source, part, "1 of 9", starter)[1].content
        held = starter.terms_in([source.title, *part.paragraphs])  # the title is in each part
        assert [line[2:].split(":")[0] for line in prompt.splitlines() if line[:2] == "- "] == [
            t.zh for t in held
        ]
    assert any("- 商务部: MOFCOM" in part_prompt(source, p, "1", starter)[1].content for p in parts)
    assert not all("- 商务部" in part_prompt(source, p, "1", starter)[1].content for p in parts)


def test_check_finds_the_glossary_terms_again_and_keeps_the_second_readers(
    tmp_path: Path,
) -> None:
    source = str(WEEK / "cctv-02.json")
    with StandIn(answer_book(_book("cctv-02.json"))) as server:
        given = briefing(
            "summarize", source, "--format", "json", "--base-url", server.base_url,
            "--glossary", str(starter_glossary_path()),
        )  # fmt: skip
    assert given.returncode == 0, given.stderr
    saved = json.loads(given.stdout)
    flagged = [f for f in saved["findings"] if f["kind"] == "glossary-term"]
    assert flagged
    # As if --verify had judged a claim: a model's reading no code can repeat from the file.
    judged = {"where": "groups[0].claims[0]", "kind": "not-supported", "severity": "warning",
              "detail": "the second reader found no support in paragraph 2"}  # fmt: skip
    saved["findings"].append(judged)
    path = tmp_path / "brief.json"
    path.write_text(json.dumps(saved, ensure_ascii=False), "utf-8")

    plain = briefing("check", str(path), "--json")
    again = briefing("check", str(path), "--json", "--glossary", str(starter_glossary_path()))
    assert plain.returncode in (0, 1) and again.returncode in (0, 1), again.stderr
    plain_kinds = [f["kind"] for f in json.loads(plain.stdout)]
    found = json.loads(again.stdout)
    assert "glossary-term" not in plain_kinds and "not-supported" in plain_kinds
    assert [f for f in found if f["kind"] == "glossary-term"] == flagged
    assert [f for f in found if f["kind"] == "not-supported"] == [judged]
