"""Number extraction benchmark: how fast the grounding checks read the quantities of real text.

Run from the repository root:  python bench/quantities.py  [--repeat 20]

Reads the paragraphs of the real articles in tests/data/articles and the example articles, and
times extract_quantities over all of them, strict (as a claim is read) and broad (as a source
is), then check_brief on the authored example briefs. Prints characters per second and the
time per brief; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from digests import brief_of  # noqa: E402

from briefing.grounding import check_brief, extract_quantities  # noqa: E402
from briefing.ingest import read_source  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    paths = sorted((ROOT / "tests" / "data" / "articles").glob("*.json"))
    paths += sorted((ROOT / "examples" / "weekly").iterdir())
    articles = [a for p in paths for a in read_source(str(p))]
    texts = [p for a in articles for p in a.paragraphs]
    chars = sum(map(len, texts))
    for broad in (False, True):
        start = time.perf_counter()
        found = 0
        for _ in range(args.repeat):
            found = sum(len(extract_quantities(t, broad=broad)) for t in texts)
        took = time.perf_counter() - start
        mode = "broad" if broad else "strict"
        rate = chars * args.repeat / took
        print(f"{mode:6} {len(texts)} paragraphs, {chars} chars, {found} quantities: "
              f"{rate:,.0f} chars/s")  # fmt: skip
    answers = ROOT / "examples" / "answers"
    briefs = [brief_of(a) for a in articles if (answers / f"{a.id}.json").exists()]
    start = time.perf_counter()
    for _ in range(args.repeat):
        for b in briefs:
            check_brief(b)
    took = time.perf_counter() - start
    per_brief = took / args.repeat / len(briefs) * 1000
    print(f"check_brief on {len(briefs)} example briefs: {per_brief:.1f} ms a brief")


if __name__ == "__main__":
    main()
