"""Dedupe across workers: two `briefing weekly` processes sharing one Redis index, as a larger
deployment runs them (README, "Past one machine").

Worker A has dup_02_a (a statement), worker B dup_02_b (a report quoting it whole: a real copy
from another outlet) and a next filing of 26.json (one template, other figures: another event,
see test_dedupe.next_filing). Articles are the real ones in tests/data/articles.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.llm_server import StandIn
from test_dedupe import WEEKLY, load, next_filing
from test_feeds import echo_answer

WEEK = "week"  # briefing.digest.week.PROMPT, the week in brief's schema name
CLI = Path(sys.executable).with_name("briefing")  # the venv's installed command


def worker(root: Path, name: str, files: dict[str, dict[str, Any] | str]) -> Path:
    """A folder of inputs: real files copied by name, or articles written out."""
    folder = root / name
    folder.mkdir()
    for file, content in files.items():
        if isinstance(content, str):
            shutil.copy(WEEKLY / f"{content}.json", folder / file)
        else:
            (folder / file).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return folder


def weekly(folder: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`briefing weekly` of `folder` in a process of its own, the worker's own cache folder."""
    return subprocess.run(
        [str(CLI), "weekly", str(folder), "--since", "2010-01-01", *args],
        capture_output=True,
        text=True,
        env={
            "BRIEFING_CONFIG": str(config),
            "XDG_CACHE_HOME": str(folder.parent / f"cache-{folder.name}"),
            "OPENAI_API_KEY": "sk-test",
            "PATH": "/usr/bin:/bin",
        },
        timeout=300,
    )


def plan(folder: Path, config: Path) -> dict[str, Any]:
    """The worker's `--dry-run` plan."""
    done = weekly(folder, config, "--dry-run", "-o", "-")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def run(folder: Path, config: Path, server: StandIn) -> dict[str, Any]:
    """The worker's real run against the stand-in: its digest.json."""
    out = folder.parent / f"out-{folder.name}"
    done = weekly(
        folder, config, "--formats", "json", "-o", str(out), "--base-url", server.base_url
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads((out / "digest.json").read_text("utf-8"))
    return result


def briefs_asked(server: StandIn) -> list[Any]:
    """The requests the stand-in answered (all but the week in brief)."""
    format_of = [r.body["response_format"].get("json_schema", {}) for r in server.requests]
    return [f for f in format_of if f.get("name") != WEEK]


def kept(plan: dict[str, Any]) -> list[str]:
    """The names of the inputs a plan would brief."""
    return sorted(Path(a["input"]).name for a in plan["articles"])


def briefed(digest: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """The names of the inputs a digest briefed (by the ids its plan gave them)."""
    name = {a["id"]: Path(a["input"]).name for a in plan["articles"]}
    return sorted(name[b["article"]["id"]] for b in digest["briefs"])


@pytest.fixture
def config(tmp_path: Path, redis_server) -> tuple[Path, Any]:  # type: ignore[no-untyped-def]
    port, client = redis_server
    path = tmp_path / "config.toml"
    path.write_text(
        "[dedupe]\nlsh_storage = {type = 'redis', shared = true, basename = 'week-44', "
        f"redis = {{host = '127.0.0.1', port = {port}}}}}\n"
    )
    return path, client


def test_workers_sharing_a_redis_index_drop_each_others_copies(
    tmp_path: Path, config: tuple[Path, Any]
) -> None:
    path, client = config
    filing = next_filing(load("26"))
    a = worker(tmp_path, "a", {"statement.json": "dup_02_a", "quota.json": "26", "x.json": "28"})
    b = worker(
        tmp_path,
        "b",
        {
            "report.json": "dup_02_b",
            "other.json": "04",
            "third-batch.json": {
                "title": filing.title,
                "published": filing.published,
                "text": "\n\n".join(filing.paragraphs),
            },
        },
    )
    with StandIn(echo_answer) as server:
        planned_a = plan(a, path)
        first_a = run(a, path, server)
        assert briefed(first_a, planned_a) == ["quota.json", "statement.json", "x.json"]
        # B's plan already sees A's article, and writes nothing to the shared index.
        keys = client.dbsize()
        planned = plan(b, path)
        assert kept(planned) == ["other.json", "third-batch.json"]
        assert client.dbsize() == keys
        first_b = run(b, path, server)
        # The quoted statement was briefed by A: B leaves its copy out and says where it went.
        assert briefed(first_b, planned) == ["other.json", "third-batch.json"]
        [dup] = first_b["duplicates"]
        assert dup == planned["duplicates"][0]
        assert dup["kept_elsewhere"] == str(a / "statement.json")
        assert dup["kept"] == next(
            a["id"] for a in planned_a["articles"] if a["input"] == dup["kept_elsewhere"]
        )
        assert [c["input"] for c in dup["copies"]] == [str(b / "report.json")]

        # Reruns decide the same and pay nothing; A keeps what it briefed. (The stand-in has no
        # answer for the week in brief: an unpaid 404, asked again by each run.)
        paid = len(briefs_asked(server))
        assert run(b, path, server)["duplicates"] == first_b["duplicates"]
        assert briefed(run(a, path, server), planned_a) == briefed(first_a, planned_a)
        assert len(briefs_asked(server)) == paid

        # A worker reading A's article from its own file: the same text, briefed already.
        c = worker(tmp_path, "c", {"copy.json": "28", "own.json": "05"})
        third = plan(c, path)
        assert kept(third) == ["own.json"]
        assert third["duplicates"][0]["kept_elsewhere"] == str(a / "x.json")
        assert third["duplicates"][0]["similarity"] == 1.0
        # C only planned: a worker that runs own.json for real still briefs it.
        e = worker(tmp_path, "e", {"also-own.json": "05"})
        assert briefed(run(e, path, server), plan(e, path)) == ["also-own.json"]

    # A worker whose every article was briefed elsewhere: nothing to do, said so, no output.
    d = worker(tmp_path, "d", {"again.json": "dup_02_b"})
    done = weekly(d, path, "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "other runs sharing the dedupe index briefed" in done.stderr
    assert not (tmp_path / "out").exists()


def test_without_shared_each_run_keeps_its_own(tmp_path: Path, redis_server) -> None:  # type: ignore[no-untyped-def]
    port, client = redis_server
    config = tmp_path / "config.toml"
    config.write_text(f"[dedupe]\nlsh_storage = {{type = 'redis', redis = {{port = {port}}}}}\n")
    a = worker(tmp_path, "a", {"statement.json": "dup_02_a"})
    b = worker(tmp_path, "b", {"report.json": "dup_02_b"})
    assert kept(plan(a, config)) == ["statement.json"]
    assert kept(plan(b, config)) == ["report.json"]
    assert client.dbsize() == 0
