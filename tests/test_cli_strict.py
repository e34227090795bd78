"""summarize --strict: exit 1 when a flagged claim remains, for scripts and CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli import (
    SHOIGU,
    key,  # noqa: F401 - the fixture, used by name
    replayed,
    run,
    wrong_figure,
)
from support.llm_server import StandIn


@pytest.mark.usefixtures("key")
def test_strict_exits_1_on_a_flagged_claim_and_still_writes(tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    with StandIn(wrong_figure) as server:
        lenient = run("summarize", SHOIGU, "--base-url", server.base_url, "--no-cache")
        strict = run("summarize", SHOIGU, "--base-url", server.base_url, "--strict", "-o", str(out))
    assert lenient.exit_code == 0, lenient.output
    assert "⚠" in lenient.stdout
    assert strict.exit_code == 1, strict.output
    assert "--strict" in strict.stderr
    brief = json.loads(out.read_text(encoding="utf-8"))
    assert any(f["severity"] == "error" for f in brief["findings"])


def test_strict_exits_0_on_a_clean_brief() -> None:
    result = replayed("--strict")
    assert result.exit_code == 0, result.output
    assert "⚠" not in result.stdout
