"""How often each finding kind fires on the real model output recorded in
tests/cassettes/test_local_model/, on the first answers and on the answers to re-asks.

    python scripts/real_output_findings.py          # a table
    python scripts/real_output_findings.py --each   # and every finding of every answer

The answers are read straight from the cassettes and checked with today's checks
(briefing.grounding), so rerunning it after the checks change shows what the change does on
real output. Labelled mistakes (labels.json next to the cassettes) are counted too: how
many the checks flag, and how many claims judged correct they flag anyway.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# support/ is the tests' helper package; this puts tests/ on sys.path as pytest does.
sys.path.insert(0, str(ROOT / "tests"))

from support.recorded import FOLDER, Recorded, load_all  # noqa: E402


def main() -> None:
    each = "--each" in sys.argv[1:]
    recorded = load_all()
    if not recorded:
        sys.exit(f"no recorded answers in {FOLDER}")
    columns = {"brief 1st": ("brief", 1), "brief re-ask": ("brief", 2), "story": ("story", 0)}
    counts: dict[str, Counter[str]] = {name: Counter() for name in columns}
    answers: Counter[str] = Counter()
    for item in recorded:
        if item.kind == "verify":
            continue
        column = next(
            n for n, (k, a) in columns.items() if k == item.kind and a in (0, item.attempt)
        )
        answers[column] += 1
        if item.value is None:
            counts[column]["(invalid answer)"] += 1
        for finding in item.findings:
            counts[column][f"{finding.kind} ({finding.severity})"] += 1
    kinds = sorted(set().union(*counts.values()))
    print(f"{'finding kind':<40}" + "".join(f"{n:>14}" for n in columns))
    print(f"{'answers':<40}" + "".join(f"{answers[n]:>14}" for n in columns))
    for kind in kinds:
        print(f"{kind:<40}" + "".join(f"{counts[n][kind]:>14}" for n in columns))
    verify = [r for r in recorded if r.kind == "verify"]
    if verify:
        verdicts: Counter[str] = Counter()
        for r in verify:
            if r.value is None:
                verdicts["(invalid answer)"] += 1
                continue
            verdicts.update(v.verdict for v in getattr(r.value, "verdicts", []))
        print(f"verify: {len(verify)} answers, verdicts {dict(verdicts)}")
    labels(recorded)
    if each:
        for item in recorded:
            print(f"\n{item.key} ({item.cassette}#{item.index}, {item.finish_reason})")
            if item.problem:
                print(f"  {item.problem}")
            for finding in item.findings:
                print(f"  {finding.where}: {finding.kind}: {finding.detail}")


def labels(recorded: list[Recorded]) -> None:
    """The hand labels against what the checks flag on the same statements."""
    path = FOLDER / "labels.json"
    if not path.is_file():
        return
    by_key = {item.key: item for item in recorded}
    tally: Counter[str] = Counter()
    for label in json.loads(path.read_text("utf-8"))["labels"]:
        item = by_key.get(label["answer"])
        if item is None:
            continue
        hit = [f for f in item.findings if f.where == label["where"] and f.severity == "error"]
        group = (
            "judged correct"
            if label["mistake"] == "none"
            else "mistakes a check covers"
            if label["expect"]
            else "mistakes no check covers"
        )
        tally[group] += 1
        tally[f"{group} flagged"] += bool(hit)
        if not hit and label["mistake"] != "none":
            tally[f"missed {label['mistake']}"] += 1
    for group in ("mistakes a check covers", "mistakes no check covers", "judged correct"):
        print(f"labels, {group}: {tally[group + ' flagged']} of {tally[group]} flagged (error)")
    missed = sorted(
        (k.removeprefix("missed "), n) for k, n in tally.items() if k.startswith("missed ")
    )
    print("missed, by mistake: " + ", ".join(f"{k} {n}" for k, n in missed))


if __name__ == "__main__":
    main()
