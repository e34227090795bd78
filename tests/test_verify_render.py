"""--verify in what a reader sees: the second reader's figures in a line, and each claim it
judged not supported flagged, in the Markdown, HTML and PDF of a brief and of a digest, and in
the Slack post. Runs the installed command against the stand-in, with the verdicts of
test_verify (composed there as a test's input) on the authored Shoigu brief.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader
from support.cli import KEY, SHOIGU
from support.llm_server import StandIn
from support.slack_server import SlackStandIn
from test_verify import respond  # the Shoigu brief, the verdicts; nothing else answered

CLI = Path(sys.executable).with_name("briefing")
# The verdicts: 2 claims supported, 1 not (groups[0].claims[1]), 5 not judged; 4 of the 5
# judged citations support their claim.
LINE_EN = (
    "Second reader: 2 of 3 claims fully supported by what they cite (citation recall 67%), "
    "0 in part, 1 not supported; citation precision 80% over 5 citations; 5 not judged."
)
LINE_ZH = "二次核验：3 条陈述中 2 条完全得到所引段落支持（召回率 67%）"
FLAG_EN = "a second reader (--verify) judged that the cited paragraphs do not support it"


def briefing(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "OPENAI_API_KEY": KEY, **(env or {})},
        timeout=300,
    )


def posted_text(slack: SlackStandIn) -> str:
    """Every block the Slack stand-in accepted, as JSON text."""
    return "".join(json.dumps(m.blocks, ensure_ascii=False) for m in slack.messages)


def post(digest: Path, slack: SlackStandIn) -> str:
    """`briefing slack post` of a digest.json to the stand-in's webhook; all it has accepted."""
    done = briefing("slack", "post", str(digest), env={"SLACK_WEBHOOK_URL": slack.webhook_url})
    assert done.returncode == 0, done.stderr
    return posted_text(slack)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def test_a_verified_brief_shows_the_second_reader_in_every_format(tmp_path: Path) -> None:
    with StandIn(respond) as server:
        outputs = {}
        for fmt in ("md", "html", "pdf"):
            out = tmp_path / f"brief.{fmt}"
            done = briefing(
                "summarize", SHOIGU, "--base-url", server.base_url, "--verify", "-o", str(out)
            )
            assert done.returncode == 0, done.stderr
            outputs[fmt] = out
        plain = tmp_path / "plain.md"
        done = briefing("summarize", SHOIGU, "--base-url", server.base_url, "-o", str(plain))
        assert done.returncode == 0, done.stderr
    md = outputs["md"].read_text("utf-8")
    assert md.rstrip().endswith(f"_{LINE_EN}_")
    # The claim judged not supported is flagged where it stands, the others are not.
    flagged = [line for line in md.splitlines() if FLAG_EN in line]
    assert len(flagged) == 1 and "[3]" in flagged[0]
    html = outputs["html"].read_text("utf-8")
    assert f'<p class="second-reader">{LINE_EN}</p>' in html
    assert html.count(FLAG_EN) == 1
    text = pdf_text(outputs["pdf"])
    assert "Second reader: 2 of 3 claims fully supported" in text
    assert "do not support it" in text
    # Without --verify, neither.
    assert "Second reader" not in plain.read_text("utf-8")
    assert FLAG_EN not in plain.read_text("utf-8")


def test_a_verified_digest_shows_it_in_md_html_and_slack(tmp_path: Path) -> None:
    week = tmp_path / "week"
    week.mkdir()
    (week / "shoigu.txt").write_text(Path(SHOIGU).read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    with StandIn(respond) as server, SlackStandIn() as slack:
        done = briefing(
            "weekly",
            str(week),
            "--since",
            "2020-01-01",
            "--lang",
            "both",
            "--verify",
            "--formats",
            "md,html,json",
            "-o",
            str(out),
            "--base-url",
            server.base_url,
        )
        assert done.returncode == 0, done.stderr
        messages = post(out / "digest.json", slack)
        # The line follows the digest's own figures (another run's digest.json, say).
        digest = json.loads((out / "digest.json").read_text("utf-8"))
        digest["verification"].update(
            claims=10, unjudged=0, supported=7, partly=2, not_supported=1, citations=12
        )
        digest["verification"].update(citations_supporting=9, recall=0.7, precision=0.75)
        (tmp_path / "other.json").write_text(json.dumps(digest, ensure_ascii=False), "utf-8")
        later = post(tmp_path / "other.json", slack)[len(messages) :]
    md = (out / "brief.md").read_text("utf-8")
    # Under the counts, in each language: the digest's figures are its briefs' summed.
    assert f"_{LINE_EN}_" in md and LINE_ZH in md
    assert md.index(LINE_EN) < md.index("Core Viewpoint")
    assert "1 claim flagged" in md
    assert FLAG_EN in md
    html = (out / "brief.html").read_text("utf-8")
    assert LINE_EN in html and LINE_ZH in html
    assert LINE_EN in messages  # (a digest post shows the week and stories, not each claim)
    assert (
        "Second reader: 7 of 10 claims fully supported by what they cite (citation recall 70%), "
        "2 in part, 1 not supported; citation precision 75% over 12 citations." in later
    )
