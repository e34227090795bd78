"""Recall and false alarms of the grounding checks on a labelled set of real articles.

Run from the repository root:  python bench/grounding_eval.py [-v]

The set (bench/labelled/): correct briefs, written by hand, of four real 2011 articles the
checks were never tuned on (briefs.json; the articles are tests/data/articles/<name>.json) and
of the bundled week (examples/answers, articles in examples/weekly); and errors.json, one
planted error per copy of a correct brief, across the categories of issue 11 (numbers, bounds,
ranges, fractions, dates, citations, direction, negation, who, language, shape, invented
claims).

It prints:
- the false-alarm rate: correct statements (claims and core viewpoints) with any error
  finding, over all correct statements, and which kinds fired;
- recall: planted errors caught (the copy has a new error finding where the error is), per
  category and overall, and each miss with -v.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from briefing.brief.answers import brief_from_answer
from briefing.grounding.checks import check_brief
from briefing.ingest import read_source
from briefing.models import Article, Brief, BriefAnswer, BriefMeta, Finding

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "bench" / "labelled"
ARTICLES = ROOT / "tests" / "data" / "articles"
EXAMPLES = ROOT / "examples"
META = BriefMeta(model="authored", prompt="-", generated_at="2026-12-02T00:00:00Z")
CLAIM_LIMIT = 600  # ClaimText's max_length: where a grammar-bound model is cut off


def correct_answers() -> dict[str, tuple[Article, dict[str, Any]]]:
    """Every correct brief of the set as (article, answer JSON), by name."""
    out: dict[str, tuple[Article, dict[str, Any]]] = {}
    authored = json.loads((LABELLED / "briefs.json").read_text(encoding="utf-8"))
    for name, answer in authored.items():
        if not name.startswith("_"):
            (article,) = read_source(str(ARTICLES / f"{name}.json"))
            out[name] = (article, answer)
    week = {a.id: a for f in sorted((EXAMPLES / "weekly").iterdir()) for a in read_source(str(f))}
    for path in sorted((EXAMPLES / "answers").glob("*.json")):
        # story-*.json answers are syntheses, not briefs; one brief is wrong on purpose
        deliberate = path.with_name(f"{path.stem}.DELIBERATE-MISTAKE.md").exists()
        if path.stem in week and not deliberate:
            out[path.stem] = (week[path.stem], json.loads(path.read_text(encoding="utf-8")))
    return out


def make_brief(article: Article, answer: dict[str, Any]) -> Brief:
    brief = brief_from_answer(article, BriefAnswer.model_validate(answer), META)
    return brief.model_copy(update={"findings": check_brief(brief)})


def _node(answer: dict[str, Any], path: str) -> dict[str, Any]:
    node: Any = answer
    for name, index in re.findall(r"(\w+)(?:\[(\d+)\])?", path):
        node = node[name]
        if index:
            node = node[int(index)]
    return node  # type: ignore[no-any-return]


def plant(answer: dict[str, Any], error: dict[str, Any]) -> dict[str, Any]:
    """A copy of `answer` with `error` in it; ValueError if the text to change is not there."""
    copy = json.loads(json.dumps(answer))
    node = _node(copy, error["path"])
    op = error.get("op")
    if op == "zh_copies_en":
        node["zh"] = node["en"]
    elif op == "repeat":
        node.update(json.loads(json.dumps(_node(copy, error["from"]))))
    elif op == "same_titles":
        for group in copy["groups"]:
            group["title"] = dict(copy["groups"][0]["title"])
    elif op == "cut_at_limit":  # a longer text stopped by the schema's limit mid-word
        filler = " ".join(c["en"] for g in copy["groups"] for c in g["claims"])
        node["en"] = (node["en"] + " " + filler)[:CLAIM_LIMIT]
    elif "cites" in error:
        node["cites"] = error["cites"]
    for side in ("en", "zh"):
        if side in error:
            old, new = error[side]
            if old not in node[side]:
                raise ValueError(f"{error['brief']} {error['path']}: {old!r} not in the {side}")
            node[side] = node[side].replace(old, new, 1)
    return copy


def _errors(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.where, f.kind) for f in findings if f.severity == "error"}


def planted(
    answers: dict[str, tuple[Article, dict[str, Any]]], bases: dict[str, Brief]
) -> list[tuple[dict[str, Any], list[str]]]:
    """Each planted error with the new error kinds it raised where it is (none: missed)."""
    errors = json.loads((LABELLED / "errors.json").read_text(encoding="utf-8"))["errors"]
    out = []
    for error in errors:
        article, answer = answers[error["brief"]]
        brief = make_brief(article, plant(answer, error))
        new = _errors(brief.findings) - _errors(bases[error["brief"]].findings)
        at = error["path"] if not error.get("anywhere") else None
        out.append((error, sorted({kind for where, kind in new if at is None or where == at})))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and alarms")
    args = parser.parse_args()
    answers = correct_answers()
    bases = {name: make_brief(article, answer) for name, (article, answer) in answers.items()}

    statements = alarms = 0
    alarm_kinds: Counter[str] = Counter()
    for name, brief in bases.items():
        for where, claim in brief.claims_with_paths():
            statements += 1
            kinds = sorted({f.kind for f in brief.errors if f.where == where})
            if kinds:
                alarms += 1
                alarm_kinds.update(kinds)
                if args.verbose:
                    print(f"  false alarm  {name} {where}: {', '.join(kinds)}: {claim.en[:70]}")
    print(
        f"false alarms: {alarms} of {statements} correct statements flagged "
        f"({alarms / statements:.1%}) in {len(bases)} correct briefs"
    )
    for kind, n in alarm_kinds.most_common():
        print(f"  {kind}: {n}")

    caught: dict[str, list[bool]] = defaultdict(list)
    fired: Counter[str] = Counter()
    for error, hits in planted(answers, bases):
        caught[error["category"]].append(bool(hits))
        fired.update(hits)
        if args.verbose:
            mark = "caught" if hits else "MISSED"
            change = error.get("op") or error.get("en") or error.get("zh") or error.get("cites")
            print(f"  {mark:6} {error['category']:9} {error['brief']} {error['path']}: {change}")
            if hits:
                print(f"         by {', '.join(hits)}")
    total = sum(len(v) for v in caught.values())
    found = sum(sum(v) for v in caught.values())
    print(f"recall: {found} of {total} planted errors caught ({found / total:.1%})")
    for category in sorted(caught):
        got = caught[category]
        print(f"  {category}: {sum(got)}/{len(got)}")
    print("kinds that caught them: " + ", ".join(f"{k} {n}" for k, n in fired.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
