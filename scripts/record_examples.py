"""Make the example replay files (cassettes) from the authored answers.

Each answer in examples/answers/<article id>.json was written by hand as a careful analyst
would answer (see examples/README.md). This runs the real pipeline - ingest, prompt, the
openai client, validation, grounding - against a local stand-in server that returns the
authored answer for the article in the request, and records the exchange as a cassette.
Run it after any change to a prompt, the schema or the default model:

    python scripts/record_examples.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any

from briefing.config import resolve_settings
from briefing.ingest import read_source
from briefing.llm import make_llm
from briefing.llm.standin import Reply, StandIn, answer, error
from briefing.models import Article
from briefing.pipeline import summarize_article

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ANSWERS = EXAMPLES / "answers"
# (input, replay file) pairs: each replay file answers every article of its input.
SINGLE = [
    ("shoigu-rare-earths.txt", "shoigu-rare-earths.replay.yaml"),
    ("rare-earth-regulation.json", "rare-earth-regulation.replay.yaml"),
]
HEADER = """\
# authored: the answers in this cassette were written by hand (examples/answers/), not
# produced by a model; the requests were made by the real pipeline and openai client
# against a local stand-in server. Rebuild: python scripts/record_examples.py
"""

def responder(articles: list[Article]) -> Callable[[dict[str, Any]], Reply]:
    """Answer each request with the authored answer of the article it carries."""
    answers = {}
    for article in articles:
        path = ANSWERS / f"{article.id}.json"
        if not path.is_file():
            sys.exit(f"No authored answer for {article.id} ({article.title}): write {path} first.")
        # Re-serialised compactly, as a model would send it.
        answers[f"[1] {article.paragraphs[0]}"] = json.dumps(
            json.loads(path.read_text("utf-8")), ensure_ascii=False
        )

    def respond(request: dict[str, Any]) -> Reply:
        user = next(m["content"] for m in request["messages"] if m["role"] == "user")
        for marker, content in answers.items():
            if marker in user:
                return answer(content)
        return error(404, "stand-in: no authored answer for this article")

    return respond


def record(input_name: str, cassette_name: str) -> None:
    """Brief every article of one example input, recording the exchanges."""
    cassette = EXAMPLES / cassette_name
    cassette.unlink(missing_ok=True)
    articles = read_source(str(EXAMPLES / input_name))
    with StandIn(responder(articles)) as server:
        # The stand-in ignores the key; the cassette never stores it.
        settings = resolve_settings(base_url=server.base_url, api_key="stand-in")
        llm = make_llm(settings, record=cassette)
        for article in articles:
            brief = summarize_article(article, llm)
            status = "clean" if not brief.findings else f"{len(brief.findings)} finding(s)"
            print(f"{input_name}: {article.id} {status}, {brief.meta.attempts} call(s)")
            for finding in brief.findings:
                print(f"  {finding.where}: {finding.kind}: {finding.detail}")
    cassette.write_text(HEADER + cassette.read_text("utf-8"), encoding="utf-8")


def main() -> None:
    """Record every example."""
    for input_name, cassette_name in SINGLE:
        record(input_name, cassette_name)


if __name__ == "__main__":
    main()
