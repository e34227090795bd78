"""Check an authored answer against its article before recording it.

    python scripts/check_answer.py examples/weekly/cctv-02.json

Reads the article, loads examples/answers/<article id>.json, validates it against the
answer schema and runs the grounding checks; prints the findings, exits 1 if any.
"""

from __future__ import annotations

import sys
from pathlib import Path

from briefing.brief.answers import brief_from_answer
from briefing.grounding import check_brief
from briefing.ingest import read_source
from briefing.models import BriefAnswer, BriefMeta

ANSWERS = Path(__file__).resolve().parent.parent / "examples" / "answers"


def main() -> None:
    """Check each article given on the command line."""
    bad = 0
    for source in sys.argv[1:]:
        for article in read_source(source):
            path = ANSWERS / f"{article.id}.json"
            answer = BriefAnswer.model_validate_json(path.read_text("utf-8"))
            meta = BriefMeta(model="authored", prompt="brief@1", generated_at="")
            findings = check_brief(brief_from_answer(article, answer, meta))
            print(f"{source} ({article.id}): {len(findings)} finding(s)")
            for f in findings:
                print(f"  {f.where}: {f.kind}: {f.detail}")
            bad += bool(findings)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
