"""Rerun benchmark: how many model calls an unchanged rerun makes (the answer must be 0).

Run from the repository root:  python bench/rerun.py  [--articles 25 --provider deepseek]

`briefing weekly` runs in a process of its own against the stand-in server, twice, on a
week of generated articles (tests/fault_week.py) whose first answer to every brief has one
figure wrong, so that every article is re-asked; the re-asks are answered right and
pretty-printed, as real servers send JSON. Then `briefing summarize` runs twice on a long
article made of the real articles in tests/data/articles (briefed in parts by a model no
table knows, assumed to read 8k tokens). It prints, for each, the requests of the first run
(brief calls, re-asks, stories, parts, reduce) and of the rerun.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fault_week import answer_for, write_feed  # noqa: E402
from support.llm_server import Reply, StandIn  # noqa: E402

CLI = [sys.executable, "-c", "from briefing.cli import app; app()"]
KEY = "sk-bench-rerun-0123456789"


def pretty(content: str) -> str:
    return json.dumps(json.loads(content), ensure_ascii=False, indent=2)


def wrong_first(request: dict[str, Any]) -> Reply:
    """The first answer with a figure off by one, the re-ask right (both pretty-printed)."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    if "数量为" not in user:  # a story synthesis: answered from the briefs it quotes
        return Reply(content=story_answer(user))
    good = answer_for(request)
    if any(m["role"] == "assistant" for m in request["messages"]):
        return Reply(content=pretty(good))
    bad = re.sub(r"数量为(\d+)个", lambda m: f"数量为{int(m.group(1)) + 1}个", good, count=1)
    return Reply(content=pretty(bad))


def story_answer(user: str) -> str:
    ids = re.findall(r"\b([0-9a-f]{12})\b", user)
    cites = [{"article": a, "paragraphs": [1]} for a in dict.fromkeys(ids)][:4]
    claim = {"en": "The articles report counts.", "zh": "文章报告了数量。", "cites": cites}
    return json.dumps(
        {"title": {"en": "Counts", "zh": "数量"}, "summary": claim, "claims": [claim]},
        ensure_ascii=False,
    )


def run(args: list[str], env: dict[str, str]) -> int:
    return subprocess.run(CLI + args, env=env, capture_output=True, text=True).returncode


def kinds(requests: list[Any]) -> dict[str, int]:
    out = {"requests": len(requests), "re-asks": 0, "reduce": 0}
    for r in requests:
        messages = r.body["messages"]
        out["re-asks"] += any(m["role"] == "assistant" for m in messages)
        out["reduce"] += "<<<BRIEFS" in messages[-1]["content"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=25)
    parser.add_argument("--provider", default="deepseek")
    opts = parser.parse_args()
    from test_paid_answers import quoting_answer  # the long article's answers

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "BRIEFING_CACHE_DIR": str(folder / "cache"),
            "BRIEFING_CONFIG": str(folder / "config.toml"),
            "DEEPSEEK_API_KEY": KEY,
            "OPENAI_API_KEY": KEY,
        }
        feed = write_feed(folder / "week.jsonl", opts.articles)
        with StandIn(wrong_first) as server:
            weekly = [
                "weekly", str(feed), "--since", "2025-10-01", "--provider", opts.provider,
                "--base-url", server.base_url, "--formats", "json", "-o",
            ]  # fmt: skip
            code = run([*weekly, str(folder / "out1")], env)
            first = kinds(server.requests)
            seen = len(server.requests)
            code2 = run([*weekly, str(folder / "out2")], env)
            again = kinds(server.requests[seen:])
        print(f"weekly, {opts.articles} articles, {opts.provider}: first run {first} (exit {code})")
        print(f"weekly rerun: {again} (exit {code2})")

        from briefing.ingest.jsonfile import split_paragraphs

        paragraphs: list[str] = []
        for path in sorted((ROOT / "tests" / "data" / "articles").glob("*.json")):
            data = json.loads(path.read_text("utf-8"))
            paragraphs += [data["title"], *split_paragraphs(data["text"])]
        long = folder / "long.txt"
        long.write_text("一篇很长的文章\n\n" + "\n\n".join(paragraphs) + "\n", "utf-8")
        with StandIn(quoting_answer) as server:
            summarize = [
                "summarize", str(long), "--provider", opts.provider, "--model",
                "acme-unknown-7b", "--base-url", server.base_url, "--format", "json",
            ]  # fmt: skip
            code = run(summarize, env)
            first = kinds(server.requests)
            seen = len(server.requests)
            code2 = run(summarize, env)
            again = kinds(server.requests[seen:])
        chars = sum(map(len, paragraphs))
        print(f"summarize, a long article ({chars:,} characters): first run {first} (exit {code})")
        print(f"summarize rerun: {again} (exit {code2})")


if __name__ == "__main__":
    main()
