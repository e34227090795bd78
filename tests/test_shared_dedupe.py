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

from test_dedupe import WEEKLY, load, next_filing

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


def plan(folder: Path, config: Path) -> dict[str, Any]:
    """`briefing weekly --dry-run` of `folder` in a process of its own."""
    done = subprocess.run(
        [str(CLI), "weekly", str(folder), "--since", "2010-01-01", "--dry-run", "-o", "-"],
        capture_output=True,
        text=True,
        env={"BRIEFING_CONFIG": str(config), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def kept(result: dict[str, Any]) -> list[str]:
    return sorted(Path(a["input"]).name for a in result["articles"])


def test_workers_sharing_a_redis_index_drop_each_others_copies(  # type: ignore[no-untyped-def]
    tmp_path: Path, redis_server
) -> None:
    port, client = redis_server
    config = tmp_path / "config.toml"
    config.write_text(
        "[dedupe]\nlsh_storage = {type = 'redis', shared = true, basename = 'week-44', "
        f"redis = {{host = '127.0.0.1', port = {port}}}}}\n"
    )
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
    first_a = plan(a, config)
    assert kept(first_a) == ["quota.json", "statement.json", "x.json"]
    first_b = plan(b, config)
    # The quoted statement was briefed by A: B leaves its copy out and says where it went.
    assert kept(first_b) == ["other.json", "third-batch.json"]
    [dup] = first_b["duplicates"]
    assert dup["kept_elsewhere"] == str(a / "statement.json")
    assert dup["kept"] == next(
        a["id"] for a in first_a["articles"] if a["input"] == dup["kept_elsewhere"]
    )
    assert [c["input"] for c in dup["copies"]] == [str(b / "report.json")]

    # Reruns decide the same (nothing new to pay for); A keeps what it briefed.
    assert plan(b, config) == first_b
    assert plan(a, config) == first_a

    # A third worker reading A's article from its own file: the same text, briefed already.
    c = worker(tmp_path, "c", {"copy.json": "28", "own.json": "05"})
    third = plan(c, config)
    assert kept(third) == ["own.json"]
    assert third["duplicates"][0]["kept_elsewhere"] == str(a / "x.json")
    assert third["duplicates"][0]["similarity"] == 1.0
    assert client.exists(b"week-44:shared:seq")

    # A worker whose every article was briefed elsewhere: nothing to do, said so, no output.
    d = worker(tmp_path, "d", {"again.json": "dup_02_b"})
    done = subprocess.run(
        [str(CLI), "weekly", str(d), "--since", "2010-01-01", "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={"BRIEFING_CONFIG": str(config), "PATH": "/usr/bin:/bin", "OPENAI_API_KEY": "sk-x"},
        timeout=120,
    )
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
