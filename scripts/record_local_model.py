"""Record real exchanges with the local model (Qwen2.5-Coder-1.5B-Instruct on xllamacpp).

The server is the one `/work/shared/tools/local-model serve --port 18080` runs (see
../shared/docs/ENVIRONMENT.md); this script does not start it. Two phases, each its own
cassette in tests/cassettes/test_local_model/, for tests/test_local_model.py:

    python scripts/record_local_model.py weekly   # six real articles: briefs, re-asks, stories
    python scripts/record_local_model.py story 03 06   # one synthesis, if weekly was cut short
    python scripts/record_local_model.py verify [NAME…]   # the --verify pass over the briefs

`weekly` runs the real weekly engine (run_weekly: briefs, the grounding checks, the re-asks
they trigger, one synthesis per story of two or more articles) through the real openai
client, on one thread. `story` and `verify` first rebuild the briefs by replaying
weekly.yaml (no model call; an article it holds no brief of is skipped), then ask the model
live: `story` synthesises the named articles' story (story.yaml), `verify` asks the second
reader (briefing.brief.verify) about each brief (verify.yaml). Each call's time and tokens
are printed; run it with nohup and a log file: on 2 shared cores a call takes minutes.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

# The call timer both recording scripts print with (scripts/ is on the path when run).
from record_tiny_model import Timed

from briefing import prepare_weekly, run_weekly
from briefing.brief.summarize import summarize_article
from briefing.brief.verify import verify_brief
from briefing.digest.synthesis import synthesize_story
from briefing.errors import LLMError
from briefing.ingest import read_source
from briefing.llm.stack import build_stack
from briefing.models import Brief, Sampling
from briefing.settings import Settings, resolve_settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "articles"
# Different kinds: a regulation (01), trade talks (03, 06: one story), tariffs abroad (12),
# 2011 rare-earth policy with figures (27, a story with 01), a tax cut with figures (dup_02_a).
ARTICLES = ["01", "03", "06", "12", "27", "dup_02_a"]
FOLDER = ROOT / "tests" / "cassettes" / "test_local_model"
WEEKLY = FOLDER / "weekly.yaml"
VERIFY = FOLDER / "verify.yaml"
STORY = FOLDER / "story.yaml"

BASE_URL = "http://127.0.0.1:18080/v1"
MODEL = "qwen2.5-coder-1.5b-instruct"
# Fixed sampling, sent in every request (and so part of the recorded bodies): the test
# replays with the same values. max_tokens lets a bilingual brief finish (about 1,000-1,800
# tokens here) and bounds a loop; 900 s: a brief takes minutes on 2 shared cores.
SAMPLING = Sampling(temperature=0.2, seed=42, max_tokens=2500, timeout=900.0)


def settings() -> Settings:
    """Settings for the local server, independent of the user's config file; no retry."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"BRIEFING_CONFIG": str(Path(tmp) / "none.toml")}  # absent: an empty config
        chosen = resolve_settings(
            provider="openai-compatible",
            base_url=BASE_URL,
            model=MODEL,
            env=env,
            sampling=SAMPLING,
        )
    # A timeout is not retried: the model would only be asked the same thing again.
    return chosen.model_copy(update={"max_retries": 0, "concurrency": 1})


def inputs() -> list[str]:
    return [str(DATA / f"{name}.json") for name in ARTICLES]


def record_weekly() -> None:
    """Brief the articles and synthesise their stories, recording every exchange."""
    WEEKLY.unlink(missing_ok=True)
    chosen = settings()
    stack = build_stack(chosen, record=WEEKLY, cache=False, rate_limited=False)
    stack = dataclasses.replace(stack, llm=Timed(stack.llm))
    run = run_weekly(prepare_weekly(inputs()), chosen, stack=stack, concurrency=1)
    for brief in run.digest.briefs:
        print(f"{brief.article.id}: {brief.meta.attempts} attempt(s), usage {brief.meta.usage}")
        for finding in brief.findings:
            print(f"  {finding.where}: {finding.kind}: {finding.detail}")
    for failure in run.digest.failures:
        print(f"failed: {failure.input}: {failure.error}")
    print(f"stories: {[s.articles for s in run.digest.stories]}")


def replayed_briefs(names: list[str]) -> list[Brief]:
    """The briefs weekly.yaml holds for the named articles, rebuilt by replaying it."""
    replay = build_stack(settings(), replay=WEEKLY)
    briefs = []
    for name in names:
        article = read_source(str(DATA / f"{name}.json"))[0]
        try:
            briefs.append(summarize_article(article, replay.llm))
        except LLMError:
            print(f"{name}: no brief recorded in {WEEKLY.name}; skipped", flush=True)
    return briefs


def record_story(names: list[str]) -> None:
    """One story synthesis over the named articles' recorded briefs."""
    briefs = replayed_briefs(names)
    if len(briefs) < 2:
        sys.exit("a story needs two recorded briefs")
    STORY.unlink(missing_ok=True)
    stack = build_stack(settings(), record=STORY, cache=False, rate_limited=False)
    story, usage = synthesize_story(briefs, Timed(stack.llm))
    print(f"story {story.articles}: usage {usage}")
    for finding in story.findings:
        print(f"  {finding.where}: {finding.kind}: {finding.detail}")


def record_verify(names: list[str]) -> None:
    """The --verify pass over the named articles' recorded briefs."""
    briefs = replayed_briefs(names)
    VERIFY.unlink(missing_ok=True)
    stack = build_stack(settings(), record=VERIFY, cache=False, rate_limited=False)
    llm = Timed(stack.llm)
    for brief in briefs:
        checked = verify_brief(brief, llm)
        v = checked.verification
        print(f"{brief.article.id}: {v.model_dump_json() if v else None}", flush=True)


def main() -> None:
    phase, names = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if phase not in ("weekly", "story", "verify"):
        sys.exit("usage: python scripts/record_local_model.py weekly | story A B | verify [A…]")
    FOLDER.mkdir(parents=True, exist_ok=True)
    print(f"{date.today().isoformat()}: {phase} against {MODEL} at {BASE_URL}, {SAMPLING}")
    start = time.monotonic()
    if phase == "weekly":
        record_weekly()
    elif phase == "story":
        record_story(names)
    else:
        record_verify(names or ARTICLES)
    cassette = {"weekly": WEEKLY, "story": STORY, "verify": VERIFY}[phase]
    if "authorization" in cassette.read_text("utf-8").lower():
        sys.exit(f"{cassette} holds an authorization header: remove it")
    print(f"{phase}: {time.monotonic() - start:.0f} s in all; wrote {cassette.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
