"""briefing check on a digest.json: every brief and every story, findings by article and story."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from digests import example_digest, week_digest
from support.cli import run


def write_digest(path: Path, digest: Any) -> Path:
    path.write_text(digest.model_dump_json(indent=2), encoding="utf-8")
    return path


def test_check_accepts_a_clean_digest(tmp_path: Path) -> None:
    path = write_digest(tmp_path / "digest.json", example_digest())
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK:")
    assert "2 briefs" in result.stdout and "1 story" in result.stdout


def test_check_reports_a_digest_by_article_and_story(tmp_path: Path) -> None:
    digest = example_digest()
    shoigu = digest.briefs[0]
    claim = shoigu.groups[0].claims[1]
    shoigu.groups[0].claims[1] = claim.model_copy(
        update={"en": claim.en.replace("700 billion", "800 billion")}
    )
    story = digest.stories[0]
    story.summary = story.summary.model_copy(
        update={"en": story.summary.en.replace("700 billion", "900 billion")}
    )
    path = write_digest(tmp_path / "digest.json", digest)

    result = run("check", str(path))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert any(
        line.startswith(f"{shoigu.article.id}: error: groups[0].claims[1]: number-")
        for line in lines
    ), lines
    assert any(line.startswith("story 1: error: summary: ") for line in lines), lines

    as_json = run("check", str(path), "--json")
    assert as_json.exit_code == 1
    findings = json.loads(as_json.stdout)
    assert findings[0]["article"] == shoigu.article.id  # the briefs first, then the stories
    assert any(f.get("story") == 1 and f["where"] == "summary" for f in findings)
    assert any(f.get("article") == shoigu.article.id for f in findings)


def test_check_refuses_a_broken_digest(tmp_path: Path) -> None:
    path = tmp_path / "digest.json"
    path.write_text(json.dumps({"format": "briefing.digest/1", "briefs": []}), encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 2
    assert "briefing.digest/1" in result.stderr


def test_check_reports_the_week_in_brief_again(tmp_path: Path) -> None:
    digest = week_digest()  # week[1] says 800 billion; the article says 7000亿 (700 billion)
    digest.week_findings = []  # what is reported is found again, not read from the file
    path = write_digest(tmp_path / "digest.json", digest)
    result = run("check", str(path))
    assert result.exit_code == 1, result.output
    week = [line for line in result.stdout.splitlines() if "week[" in line]
    assert week and all(line.startswith("error: week[1]: number-not-in-source: ") for line in week)
    rows = json.loads(run("check", str(path), "--json").stdout)
    assert {(f["where"], f["kind"]) for f in rows if f["where"].startswith("week")} == {
        ("week[1]", "number-not-in-source")
    }

    fixed = week_digest()
    fixed.week[1] = fixed.week[1].model_copy(
        update={
            "en": fixed.week[1].en.replace("800", "700"),
            "zh": fixed.week[1].zh.replace("8000", "7000"),
        }
    )
    result = run("check", str(write_digest(tmp_path / "fixed.json", fixed)))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: 2 briefs, 1 story and the week in brief check out")
