"""summarize writes HTML and PDF, and refuses what it cannot write before any call."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from support.cli import (
    SHOIGU,
    key,  # noqa: F401 - the fixture, used by name
    replayed,
    run,
    wrong_figure,
)
from support.llm_server import StandIn


def test_summarize_writes_html_from_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    result = replayed("-o", str(out), "--lang", "both")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "中美“斗法”把俄罗斯打醒" in page
    assert "700 billion rubles (about 61.8 billion yuan)" in page
    assert "7000亿卢布" in page


def test_summarize_html_to_stdout_with_format() -> None:
    result = replayed("--format", "html")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!doctype html>")
    assert "Core Viewpoint" in result.stdout


def test_summarize_writes_a_pdf_whose_text_is_the_brief(tmp_path: Path) -> None:
    out = tmp_path / "shoigu.pdf"
    result = replayed("-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(out).pages)
    assert "Core Viewpoint" in text
    assert "700 billion rubles" in text
    assert "Weekly brief" not in text  # one brief, not a digest


def test_format_pdf_overrides_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "brief.out"
    result = replayed("--format", "pdf", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.usefixtures("key")
@pytest.mark.parametrize(
    "args",
    [
        ["-o", "brief.docx"],
        ["-o", "brief"],
        ["--format", "pdf"],
        ["--format", "pdf", "-o", "-"],
    ],
)
def test_an_output_it_cannot_write_is_refused_before_any_call(
    tmp_path: Path, args: list[str]
) -> None:
    args = [str(tmp_path / a) if a.startswith("brief") else a for a in args]
    with StandIn(wrong_figure) as server:
        result = run("summarize", SHOIGU, "--base-url", server.base_url, *args)
    assert result.exit_code == 2, result.output
    assert server.requests == []
    assert "Traceback" not in result.output
    if "--format" in args:
        assert "-o" in result.stderr and "pdf" in result.stderr
    else:
        assert ".md, .json, .html, .pdf" in result.stderr


def test_an_unknown_format_names_the_formats() -> None:
    result = replayed("--format", "docx")
    assert result.exit_code == 2
    for fmt in ("md", "json", "html", "pdf"):
        assert fmt in result.stderr
