"""A week of generated articles and a stand-in model that answers each one, for fault runs.

The articles are generated, not real: random common Chinese characters around one figure per
paragraph, so no two are copies of each other or one story, and every article's prompt is
different. The answers are generated from the prompt, not authored and not a model's: they
restate each paragraph's figure and cite it, so they pass the grounding checks. What is under
test is everything around the model: the client, retries, the cache, the digest, the files.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

# Common characters from the example articles' vocabulary; random strings of them share
# almost no character pairs, so no two generated articles are merged or grouped.
CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各"
    "重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代"
)
PARAGRAPHS = 4


def articles(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """`count` generated articles as JSON Lines objects, each with a figure per paragraph."""
    rng = random.Random(seed)
    feed = []
    for n in range(count):
        title = "".join(rng.choices(CHARS, k=12)) + f"（第{n + 1}篇）"
        paragraphs = []
        for _ in range(PARAGRAPHS):
            figure = rng.randrange(100, 100_000)
            before = "".join(rng.choices(CHARS, k=rng.randrange(30, 60)))
            after = "".join(rng.choices(CHARS, k=rng.randrange(10, 30)))
            paragraphs.append(f"{before}，数量为{figure}个，{after}。")
        feed.append(
            {
                "title": title,
                "source": "生成",
                "published": f"2025-10-{20 + n % 7}",
                "paragraphs": paragraphs,
            }
        )
    return feed


def write_feed(path: Path, count: int, seed: int = 0) -> Path:
    """The generated articles as a JSON Lines feed at `path`."""
    lines = (json.dumps(a, ensure_ascii=False) for a in articles(count, seed))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


_PARAGRAPH = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
_FIGURE = re.compile(r"数量为(\d+)个")


_STATEMENT = re.compile(r"^- (.+?) / (.+?) \[([0-9a-f]{12}): ([\d, ]+)\]$", re.MULTILINE)


def answer_for(request: dict[str, Any]) -> str:
    """A brief answer built from the article in the request's first user message; for the
    week in brief, the first statement of each story the request quotes, cited as it is."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    if "<<<STORIES" in user:
        points = [
            {"en": en, "zh": zh, "cites": [{"article": a, "paragraphs": _numbers(ps)}]}
            for en, zh, a, ps in _STATEMENT.findall(user)
        ]
        firsts = list({p["cites"][0]["article"]: p for p in reversed(points)}.values())[::-1]
        return json.dumps({"points": firsts[:8]}, ensure_ascii=False)
    title = re.search(r"^Title: (.*)$", user, re.MULTILINE)
    figures = [
        (int(n), int(_FIGURE.search(text).group(1)))  # type: ignore[union-attr]
        for n, text in _PARAGRAPH.findall(user)
    ]

    def claim(n: int, figure: int) -> dict[str, Any]:
        return {
            "en": f"Paragraph {n} gives a count of {figure:,}.",
            "zh": f"第{n}段称数量为{figure}个。",
            "cites": [n],
        }

    half = len(figures) // 2
    number = (_numbers(title.group(1)) or [""])[-1] if title else ""
    return json.dumps(
        {
            "title": {
                # English only: the number of the article (第3篇), never its Chinese title
                "en": f"Generated article {number}",
                "zh": title.group(1) if title else "生成的文章",
            },
            "core_viewpoint": {
                "en": f"The article gives a count of {figures[0][1]:,}.",
                "zh": f"文章称数量为{figures[0][1]}个。",
                "cites": [figures[0][0]],
            },
            "groups": [
                {
                    "title": {"en": "First counts", "zh": "前段数量"},
                    "claims": [claim(n, f) for n, f in figures[:half]],
                },
                {
                    "title": {"en": "Later counts", "zh": "后段数量"},
                    "claims": [claim(n, f) for n, f in figures[half:]],
                },
            ],
        },
        ensure_ascii=False,
    )


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]
