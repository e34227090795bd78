"""Make the example replay files (cassettes) from the authored answers.

Each answer in examples/answers/ was written by hand as a careful analyst would answer (see
examples/README.md): `<article id>.json` for an article's brief, `story-<first article
id>.json` for a story's synthesis, `week.json` for the weekly example's week in brief. This
runs the real pipeline - ingest, dedupe, stories, prompts, the openai client, validation,
grounding - against a local stand-in server that returns the authored answer for the
article, story or week in the request, and records the exchanges as cassettes. Run it after
any change to a prompt, the schema, the story grouping or the default model:

    python scripts/record_examples.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from briefing.brief.summarize import summarize_article
from briefing.digest.period import Window
from briefing.digest.prepare import prepare
from briefing.digest.run import build_digest
from briefing.ingest import read_source
from briefing.llm.stack import Stack, build_stack
from briefing.models import Article
from briefing.settings import resolve_settings

# The test doubles live in tests/support, outside the installed package: run from
# anywhere, this puts tests/ on sys.path as pytest does.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.llm_server import StandIn, answer_book  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ANSWERS = EXAMPLES / "answers"
SINGLE = [
    ("shoigu-rare-earths.txt", "shoigu-rare-earths.replay.yaml"),
    ("rare-earth-regulation.json", "rare-earth-regulation.replay.yaml"),
]
WEEKLY = ("weekly", "weekly.replay.yaml")
HEADER = """\
# authored: the answers in this cassette were written by hand (examples/answers/), not
# produced by a model; the requests were made by the real pipeline and openai client
# against a local stand-in server. Rebuild: python scripts/record_examples.py
"""


def _answer(name: str) -> str:
    path = ANSWERS / f"{name}.json"
    if not path.is_file():
        sys.exit(f"No authored answer {path}: write it first (scripts/check_answer.py checks it).")
    # Re-serialised compactly, as a model would send it.
    return json.dumps(json.loads(path.read_text("utf-8")), ensure_ascii=False)


def brief_book(articles: list[Article]) -> dict[str, str]:
    """Markers only each article's request carries (its first paragraph) → its answer."""
    return {f"[1] {a.paragraphs[0]}": _answer(a.id) for a in articles}


def story_book(stories: list[list[str]]) -> dict[str, str]:
    """Markers only each story's request carries (its first member) → its synthesis."""
    return {f"## Article {s[0]}\n": _answer(f"story-{s[0]}") for s in stories if len(s) > 1}


def week_book() -> dict[str, str]:
    """The marker only the week-in-brief request carries → the week's authored points."""
    return {"<<<STORIES\n": _answer("week")}


def _recording(server: StandIn, cassette: Path) -> Stack:
    """A client stack that talks to the stand-in and records into a fresh `cassette`."""
    cassette.unlink(missing_ok=True)
    # The stand-in ignores the key; the cassette never stores it.
    settings = resolve_settings(base_url=server.base_url, api_key="stand-in")
    # No cache: every exchange goes to the stand-in, so every one is recorded.
    return build_stack(settings, record=cassette, cache=False, rate_limited=False)


def record_single(input_name: str, cassette_name: str) -> None:
    """Brief every article of one example input, recording the exchanges."""
    articles = read_source(str(EXAMPLES / input_name))
    cassette = EXAMPLES / cassette_name
    with StandIn(answer_book(brief_book(articles))) as server:
        llm = _recording(server, cassette).llm
        for article in articles:
            brief = summarize_article(article, llm)
            _report(f"{input_name}: {article.id}", brief.findings, brief.meta.attempts)
    _stamp(cassette)


def record_weekly(folder: str, cassette_name: str) -> None:
    """Run the weekly example, recording every brief, story synthesis and the week in brief."""
    prepared = prepare([str(EXAMPLES / folder)], Window())
    book = brief_book(prepared.articles) | story_book(prepared.stories) | week_book()
    cassette = EXAMPLES / cassette_name
    with StandIn(answer_book(book)) as server:
        # One call at a time, so the cassette's order, and its diff, is the same every time.
        stack = _recording(server, cassette)
        digest = build_digest(prepared, stack.llm, stack.settings, concurrency=1)
    for brief in digest.briefs:
        _report(f"{folder}: {brief.article.id}", brief.findings, brief.meta.attempts)
    for story in digest.stories:
        _report(f"{folder}: story {'+'.join(story.articles)}", story.findings, 1)
    _report(f"{folder}: week in brief ({len(digest.week)} points)", digest.week_findings, 1)
    for warning in digest.meta.warnings:
        print(f"{folder}: WARNING {warning}")
    for failure in digest.failures:
        print(f"{folder}: FAILED {failure.input}: {failure.error}")
    _stamp(cassette)


def _report(name: str, findings: list, attempts: int) -> None:  # type: ignore[type-arg]
    status = "clean" if not findings else f"{len(findings)} finding(s)"
    print(f"{name} {status}, {attempts} call(s)")
    for finding in findings:
        print(f"  {finding.where}: {finding.kind}: {finding.detail}")


def _stamp(cassette: Path) -> None:
    cassette.write_text(HEADER + cassette.read_text("utf-8"), encoding="utf-8")


def main() -> None:
    """Record every example."""
    for input_name, cassette_name in SINGLE:
        record_single(input_name, cassette_name)
    record_weekly(*WEEKLY)


if __name__ == "__main__":
    main()
