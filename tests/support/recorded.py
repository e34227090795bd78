"""Every answer recorded from the local model, read straight from the cassettes.

Used by tests/test_local_model.py and scripts/real_output_findings.py. Nothing here depends
on the wording of a request: an exchange is told apart by the schema name it asked for
(brief, story, verify), a re-ask by the assistant turn it carries, and the article by its
title (a brief) or its paragraphs (a verify request), so colleagues can change the checks,
the re-ask and the prompts without breaking what is read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefing.brief.answers import brief_from_answer
from briefing.digest.synthesis import story_from_answer
from briefing.grounding import check_brief, check_story
from briefing.ingest import read_source
from briefing.models import (
    Article,
    Brief,
    BriefAnswer,
    BriefMeta,
    Finding,
    StoryAnswer,
    VerifyAnswer,
)

ROOT = Path(__file__).resolve().parent.parent.parent
FOLDER = ROOT / "tests" / "cassettes" / "test_local_model"
DATA = Path(__file__).resolve().parent.parent / "data" / "articles"
# The articles scripts/record_local_model.py briefs, by their file name in ../shared/data.
ARTICLES = ["01", "03", "06", "12", "27", "dup_02_a"]
META = BriefMeta(model="qwen2.5-coder-1.5b-instruct", prompt="brief@1", generated_at="")


@dataclass
class Recorded:
    """One answer of the model: what was asked (kind, attempt), what came back, what the
    checks find on it (None when the answer is not a valid one)."""

    cassette: str
    index: int  # its place in the cassette
    kind: str  # brief, story or verify
    attempt: int  # 1: the first answer; 2: the answer to a re-ask
    article: str | None  # the article's name (01, dup_02_a…), a brief's or verify's
    content: str
    finish_reason: str
    value: BriefAnswer | StoryAnswer | VerifyAnswer | None = None
    problem: str | None = None  # why `value` is None
    findings: list[Finding] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # a story's article ids
    asked: str = ""  # the user turns of the request, as sent

    @property
    def key(self) -> str:
        """How labels name it: `brief/01/1`, `story/02b2306466b4+48f9245b85e3/1`, `verify/01/1`."""
        subject = self.article or "+".join(self.members)
        return f"{self.kind}/{subject}/{self.attempt}"


def articles() -> dict[str, Article]:
    """The recorded articles by name, read as the pipeline reads them."""
    return {name: read_source(str(DATA / f"{name}.json"))[0] for name in ARTICLES}


def load_all(folder: Path = FOLDER) -> list[Recorded]:
    """Every answer in every cassette of `folder`, checked."""
    found = articles()
    by_id = {a.id: a for a in found.values()}
    out: list[Recorded] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for index, exchange in enumerate(data.get("interactions", [])):
            item = _recorded(path.name, index, exchange, found, by_id)
            if item is not None:
                out.append(item)
    return out


def brief_of(item: Recorded, found: dict[str, Article]) -> Brief | None:
    """The brief a recorded brief answer makes (before any check), None if it is not one."""
    if item.kind != "brief" or not isinstance(item.value, BriefAnswer) or item.article is None:
        return None
    return brief_from_answer(found[item.article], item.value, META)


def _recorded(
    cassette: str,
    index: int,
    exchange: dict[str, Any],
    found: dict[str, Article],
    by_id: dict[str, Article],
) -> Recorded | None:
    request = json.loads(exchange["request"]["body"])
    response = exchange["response"]
    if int(response["status"]["code"]) != 200:
        return None
    reply = json.loads(response["body"]["string"])
    choice = reply["choices"][0]
    kind = request["response_format"]["json_schema"]["name"]
    messages = request["messages"]
    attempt = 1 + sum(m["role"] == "assistant" for m in messages)
    text = "\n".join(m["content"] for m in messages if m["role"] == "user")
    item = Recorded(
        cassette,
        index,
        kind,
        attempt,
        _article_of(kind, text, found),
        choice["message"].get("content") or "",
        choice.get("finish_reason") or "",
        asked=text,
    )
    schemas: dict[str, type[BriefAnswer] | type[StoryAnswer] | type[VerifyAnswer]] = {
        "brief": BriefAnswer,
        "story": StoryAnswer,
        "verify": VerifyAnswer,
    }
    schema = schemas.get(kind)
    if schema is None:
        return None
    try:
        item.value = schema.model_validate_json(item.content)
    except ValueError as exc:
        item.problem = f"not a valid {kind} answer ({item.finish_reason}): {str(exc)[:200]}"
        return item
    if isinstance(item.value, BriefAnswer) and item.article is not None:
        item.findings = check_brief(brief_from_answer(found[item.article], item.value, META))
    elif isinstance(item.value, StoryAnswer):
        item.members = [aid for aid in by_id if aid in text]
        story = story_from_answer(item.value, item.members)
        item.findings = check_story(story, {aid: by_id[aid] for aid in item.members})
    return item


def _article_of(kind: str, text: str, found: dict[str, Article]) -> str | None:
    if kind == "brief":
        hits = [name for name, a in found.items() if a.title in text]
        return hits[0] if len(hits) == 1 else None
    if kind == "verify":
        # The article whose paragraphs the request quotes most.
        counts = {name: sum(p in text for p in a.paragraphs) for name, a in found.items()}
        best = max(counts, key=lambda n: counts[n])
        return best if counts[best] else None
    return None


def verified_brief(item: Recorded, recorded: list[Recorded], found: dict[str, Article]) -> Brief:
    """The brief a recorded verify request asked about: the recorded brief of its article
    whose every claim the request quotes (the kept one of the first answer and the re-ask)."""
    for candidate in recorded:
        brief = brief_of(candidate, found) if candidate.article == item.article else None
        if brief is not None and all(
            claim.en in item.asked for _, claim in brief.claims_with_paths()
        ):
            return brief
    raise LookupError(f"no recorded brief of {item.article} matches {item.key}")
