"""Every provider preset, a priced and an unknown model, every command: run as a stranger would.

Each cell runs the installed `briefing` command in a subprocess against the local stand-in
model server (tests/support/llm_server.py, answering with the authored answers of
examples/answers/), with its own config file, cache folder and a fake key in the provider's
own key variable, then runs the same command again. It checks the exit code, the files
written, that no traceback is printed, that the cost is a dollar figure when the model has a
price and "unknown" when it has none, and that the second run makes no request at all.

The "priced" model of each provider is its preset's default model, priced by the list prices
the product ships (briefing/settings/providers.py); a local Ollama model gets its price from
the `[prices]` table of the config file, the way the README says to price a model the
product does not list. `acme-unknown-7b` has no price anywhere.

The input is real: three articles of the bundled week (examples/weekly), one of them
republished under another name (merged as a duplicate) and two forming a story, so a weekly
run makes four model calls: three briefs and one synthesis.

The cells run in threads at the first test of the module (only the selected ones), so the
matrix takes about as long as its slowest share of the CPUs; each test then checks its cell.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from support.batch_server import BatchService
from support.llm_server import StandIn, answer_book
from support.slack_server import SlackStandIn

CLI = Path(sys.executable).with_name("briefing")  # the venv's installed command
ROUNDS = 3  # weekly --batch over the bundled week: briefs, then stories, then the week
WEEK = EXAMPLES / "weekly"
ARTICLE = WEEK / "cctv-01.json"  # 4ac2f5cfb536, the Rare Earth Management Regulation
INPUTS = [
    WEEK / "cctv-01.json",
    WEEK / "cctv-14.json",  # with cctv-01, one story
    WEEK / "sohu-shoigu-rare-earths.txt",
    WEEK / "sohu-shoigu-rare-earths-repost.txt",  # a copy of the one above, merged
]
BRIEFS = 3
FAKE_KEY = "sk-matrix-fake-0123456789abcdef"
UNKNOWN = "acme-unknown-7b"
LANGCHAIN = "langchain:langchain_openai:ChatOpenAI"
HAS_LANGCHAIN_OPENAI = importlib.util.find_spec("langchain_openai") is not None
NO_LANGCHAIN = (
    "langchain_openai is not installed, and no installed LangChain chat model class talks "
    "HTTP (langchain-core ships only fake chat models)"
)

# provider: (its key variable, a model with a price)
PROVIDERS: dict[str, tuple[str | None, str]] = {
    "openai": ("OPENAI_API_KEY", "gpt-4o-mini"),
    "deepseek": ("DEEPSEEK_API_KEY", "deepseek-chat"),
    "qwen": ("DASHSCOPE_API_KEY", "qwen-plus"),
    "moonshot": ("MOONSHOT_API_KEY", "moonshot-v1-8k"),
    "ollama": (None, "qwen2.5:7b"),
    "openai-compatible": ("BRIEFING_API_KEY", "gpt-4o-mini"),
    LANGCHAIN: ("OPENAI_API_KEY", "gpt-4o-mini"),
}
BATCH_PROVIDERS = ("openai", "openai-compatible")  # the presets with the OpenAI Batch API
# A local model's price, as a user sets one (USD per million tokens in and out).
CONFIG = """\
[prices]
"qwen2.5:7b" = [0.0, 0.0]
"""
COMMANDS = (
    "summarize-md",
    "summarize-json",
    "weekly",
    "weekly-slack",
    "weekly-batch",
    "estimate",
    "slack-post",
)
DOLLARS = re.compile(r"\$\d[\d,]*\.\d+")
CREDENTIAL_PREFIXES = ("BRIEFING_", "OPENAI_", "DEEPSEEK_", "DASHSCOPE_", "MOONSHOT_", "SLACK_")
TIMEOUT = 180
WORKERS = max(4, 2 * (os.cpu_count() or 1))


@dataclass(frozen=True)
class Cell:
    provider: str
    model: str
    priced: bool
    command: str

    @property
    def id(self) -> str:
        provider = "langchain" if self.provider == LANGCHAIN else self.provider
        return f"{provider}/{'priced' if self.priced else 'unknown'}/{self.command}"


def _cells() -> Iterator[Any]:
    for provider, (_, model) in PROVIDERS.items():
        for chosen, priced in ((model, True), (UNKNOWN, False)):
            for command in COMMANDS:
                if command == "weekly-batch" and provider not in BATCH_PROVIDERS:
                    continue
                cell = Cell(provider, chosen, priced, command)
                marks = []
                if provider == LANGCHAIN and not HAS_LANGCHAIN_OPENAI:
                    marks.append(pytest.mark.skip(reason=NO_LANGCHAIN))
                yield pytest.param(cell, id=cell.id, marks=marks)


@dataclass
class Run:
    """One run of the command: what it printed and what the stand-ins saw meanwhile."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    requests: list[Any]  # to the model stand-in
    slack: list[Any] = field(default_factory=list)  # messages the Slack stand-in accepted
    seconds: float = 0.0

    def tail(self) -> str:
        """The first line and the last two of stderr (of stdout if stderr is empty)."""
        lines = (self.stderr.strip() or self.stdout.strip()).splitlines()
        shown = lines if len(lines) <= 4 else [lines[0], "…", *lines[-2:]]
        return "\n".join("    " + line for line in shown)

    def summary(self) -> str:
        """The line with the tokens and the cost: the last that counts tokens in."""
        lines = [line for line in (self.stderr + self.stdout).splitlines() if "tokens in" in line]
        return lines[-1] if lines else ""


@dataclass
class Outcome:
    cell: Cell
    folder: Path
    runs: list[Run] = field(default_factory=list)
    setup: Run | None = None
    batch_created: list[str] = field(default_factory=list)


def _book_entries(article: dict[str, Any]) -> tuple[str, str] | None:
    path = EXAMPLES / "answers" / f"{article['id']}.json"
    if not path.exists():
        return None
    text = json.dumps(json.loads(path.read_text("utf-8")), ensure_ascii=False)
    return f"[1] {article['paragraphs'][0]}", text


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Marker → authored answer: a story's first article id, an article's first paragraph.

    The articles are read with `briefing ingest --json`, so their ids and paragraphs are the
    ones the CLI sends. Story markers come first: a story's request also quotes its articles.
    """

    home = tmp_path_factory.mktemp("ingest")

    def ingest(path: Path) -> dict[str, Any]:
        done = subprocess.run(
            [str(CLI), "ingest", str(path), "--json"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
            env=_env(home, None),
        )
        return json.loads(done.stdout)

    with ThreadPoolExecutor(len(INPUTS)) as pool:
        articles = list(pool.map(ingest, INPUTS))
    # The week in brief's request quotes the stories, so its marker comes first.
    week = json.loads((EXAMPLES / "answers" / "week.json").read_text("utf-8"))
    entries: dict[str, str] = {"<<<STORIES\n": json.dumps(week, ensure_ascii=False)}
    for path in sorted((EXAMPLES / "answers").glob("story-*.json")):
        text = json.dumps(json.loads(path.read_text("utf-8")), ensure_ascii=False)
        entries[f"## Article {path.stem.removeprefix('story-')}\n"] = text
    for article in articles:
        entry = _book_entries(article)
        if entry:
            entries[entry[0]] = entry[1]
    # The week in brief over these two stories: the bundled week's points on them.
    points = json.loads((EXAMPLES / "answers" / "week.json").read_text("utf-8"))["points"]
    mine = [p for p in points if {c["article"] for c in p["cites"]} <= {a["id"] for a in articles}]
    entries["<<<STORIES\n"] = json.dumps({"points": mine}, ensure_ascii=False)
    return entries


def _env(folder: Path, key_var: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CREDENTIAL_PREFIXES)}
    env["BRIEFING_CONFIG"] = str(folder / "config.toml")
    env["BRIEFING_CACHE_DIR"] = str(folder / "cache")
    env["XDG_CACHE_HOME"] = str(folder / "xdg-cache")
    env["XDG_CONFIG_HOME"] = str(folder / "xdg-config")
    if key_var:
        env[key_var] = FAKE_KEY
    return env


def _command(cell: Cell, base_url: str, out: Path, digest: Path | None) -> list[str]:
    model = ["--provider", cell.provider, "--model", cell.model]
    live = [*model, "--base-url", base_url]
    inputs = [str(p) for p in INPUTS]
    match cell.command:
        case "summarize-md":
            return ["summarize", str(ARTICLE), *live, "-o", str(out / "brief.md")]
        case "summarize-json":
            return [
                "summarize",
                str(ARTICLE),
                *live,
                "--format",
                "json",
                "-o",
                str(out / "brief.json"),
            ]
        case "weekly":
            return ["weekly", *inputs, *live, "-o", str(out), "--formats", "md,html,pdf,json"]
        case "weekly-slack":
            return ["weekly", *inputs, *live, "-o", str(out), "--formats", "json", "--slack"]
        case "weekly-batch":
            return [
                "weekly",
                *inputs,
                *live,
                "-o",
                str(out),
                "--formats",
                "json",
                "--batch",
                "--batch-wait",
                "60",
            ]
        case "estimate":
            return ["estimate", *inputs, *model]
        case "slack-post":
            assert digest is not None
            return ["slack", "post", str(digest)]
    raise AssertionError(cell.command)


def _execute(cell: Cell, book: dict[str, str], root: Path) -> Outcome:
    folder = root / cell.id.replace("/", "-")
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(CONFIG, "utf-8")
    key_var = PROVIDERS[cell.provider][0]
    env = _env(folder, key_var)
    out = folder / "out"
    outcome = Outcome(cell, folder)
    service = BatchService(answer_book(book), polls=1)
    routes = service.route if cell.command == "weekly-batch" else None
    with StandIn(answer_book(book), routes=routes) as server, SlackStandIn() as slack:
        env["SLACK_WEBHOOK_URL"] = slack.webhook_url

        def run(args: list[str], run_env: dict[str, str]) -> Run:
            seen, posted = len(server.requests), len(slack.messages)
            start = time.monotonic()
            done = subprocess.run(
                [str(CLI), *args],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                env=run_env,
                check=False,
            )
            return Run(
                args,
                done.returncode,
                done.stdout,
                done.stderr,
                server.requests[seen:],
                slack.messages[posted:],
                time.monotonic() - start,
            )

        digest = None
        if cell.command == "slack-post":
            # The digest to post: a weekly run of the same provider and model, in its own
            # folder and cache (its requests are not the cell's).
            setup_env = _env(folder / "setup", key_var)
            setup_env["BRIEFING_CONFIG"] = env["BRIEFING_CONFIG"]
            setup_cell = Cell(cell.provider, cell.model, cell.priced, "weekly")
            setup = _command(setup_cell, server.base_url, folder / "setup" / "out", None)
            setup[setup.index("md,html,pdf,json")] = "json"
            outcome.setup = run(setup, setup_env)
            digest = folder / "setup" / "out" / "digest.json"
            if not digest.exists():
                return outcome
        args = _command(cell, server.base_url, out, digest)
        for _ in range(2):
            outcome.runs.append(run(args, env))
    outcome.batch_created = list(service.created)
    return outcome


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, book: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Every selected, runnable cell of this module, run in threads."""
    root = tmp_path_factory.mktemp("matrix")
    cells = [
        item.callspec.params["cell"]
        for item in request.session.items
        if item.module is request.module and hasattr(item, "callspec")
    ]
    runnable = [c for c in cells if c.provider != LANGCHAIN or HAS_LANGCHAIN_OPENAI]
    lock = threading.Lock()
    results: dict[str, Any] = {}

    def work(cell: Cell) -> None:
        try:
            result: Any = _execute(cell, book, root)
        except Exception as error:  # noqa: BLE001 - reported by the cell's own test
            result = error
        with lock:
            results[cell.id] = result

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(work, runnable))
    return results


def _check_cost(cell: Cell, text: str, what: str) -> None:
    if cell.priced:
        assert DOLLARS.search(text) and "unknown" not in text.lower(), (
            f"{what}: expected a dollar cost for {cell.model}, got {text!r}"
        )
    else:
        assert "unknown" in text.lower() and not DOLLARS.search(text), (
            f"{what}: expected an unknown cost for {cell.model}, got {text!r}"
        )


def _footer(text: str) -> str:
    """The 'Generated … · cost …' line of a rendered digest or Slack message."""
    found = re.search(r"Generated [^\n\"<]*", text)
    assert found, "no 'Generated …' footer"
    return found.group(0)


def _check_outputs(cell: Cell, run: Run, out: Path, first: bool) -> None:
    command = cell.command
    if command in ("summarize-md", "summarize-json"):
        answer = json.loads((EXAMPLES / "answers" / "4ac2f5cfb536.json").read_text("utf-8"))
        core = answer["core_viewpoint"]["en"]
        if command == "summarize-md":
            assert core[:60] in (out / "brief.md").read_text("utf-8")
        else:
            brief = json.loads((out / "brief.json").read_text("utf-8"))
            assert brief["format"] == "briefing.brief/1"
            assert brief["meta"]["model"] == cell.model
            assert brief["core_viewpoint"]["en"] == core
        return
    if command == "estimate":
        assert cell.model in run.summary() and f"{BRIEFS} articles" in run.summary()
        return
    if command == "slack-post":
        assert run.slack, "nothing was posted to the Slack stand-in"
        blocks = json.dumps([m.blocks for m in run.slack], ensure_ascii=False)
        _check_cost(cell, _footer(blocks), "the Slack message footer")
        return
    digest = json.loads((out / "digest.json").read_text("utf-8"))
    assert digest["format"] == "briefing.digest/1"
    assert digest["meta"]["model"] == cell.model
    assert len(digest["briefs"]) == BRIEFS and digest["failures"] == []
    if first:  # a rerun answers from the cache and costs nothing, so only the first tells
        assert (digest["meta"]["cost_usd"] is not None) == cell.priced, digest["meta"]
    if command == "weekly":
        md = (out / "brief.md").read_text("utf-8")
        _check_cost(cell, _footer(md), "the footer of brief.md")
        _check_cost(cell, _footer((out / "brief.html").read_text("utf-8")), "brief.html")
        assert (out / "brief.pdf").read_bytes().startswith(b"%PDF")
    if command == "weekly-slack":
        assert run.slack, "nothing was posted to the Slack stand-in"
        blocks = json.dumps([m.blocks for m in run.slack], ensure_ascii=False)
        _check_cost(cell, _footer(blocks), "the Slack message footer")


def _check_run(cell: Cell, run: Run, out: Path, first: bool) -> list[str]:
    """What is wrong with one run, as lines; none when it did what it should."""
    where = f"{'first run' if first else 'rerun'} of briefing {run.args[0]}"
    if "Traceback" in run.stderr + run.stdout:
        return [f"{where} printed a traceback (exit {run.returncode}):\n{run.tail()}"]
    if run.returncode != 0:
        return [f"{where} exited {run.returncode}, not 0:\n{run.tail()}"]
    try:
        if cell.command != "slack-post":
            _check_cost(cell, run.summary(), f"{where}: the summary line")
        _check_outputs(cell, run, out, first)
    except (AssertionError, OSError, ValueError, KeyError) as error:
        return [f"{where}: {type(error).__name__}: {error}".splitlines()[0]]
    return []


@pytest.mark.parametrize("cell", list(_cells()))
def test_cell(cell: Cell, outcomes: dict[str, Any]) -> None:
    result = outcomes[cell.id]
    if isinstance(result, BaseException):
        raise result
    outcome: Outcome = result
    if outcome.setup is not None:
        setup = outcome.setup
        ok = setup.returncode == 0 and "Traceback" not in setup.stderr
        assert ok, f"setup (weekly --formats json) exited {setup.returncode}:\n{setup.tail()}"
    first, again = outcome.runs
    out = outcome.folder / "out"
    problems = _check_run(cell, first, out, first=True)
    key_var = PROVIDERS[cell.provider][0]
    if cell.command in ("estimate", "slack-post"):
        if first.requests:
            problems.append(f"a command that calls no model made {len(first.requests)} request(s)")
    elif not first.requests:
        problems.append("the first run made no request to the stand-in")
    elif key_var:
        keys = {r.headers.get("authorization") for r in first.requests}
        if keys != {f"Bearer {FAKE_KEY}"}:
            problems.append(f"the requests did not carry the key from {key_var}: {keys}")
    problems += _check_run(cell, again, out, first=False)
    if again.requests:
        paths = sorted({r.path for r in again.requests})
        problems.append(f"the rerun made {len(again.requests)} request(s) to {paths}")
    # One batch a round (the briefs, the story syntheses, the week in brief), each paid once.
    if cell.command == "weekly-batch" and len(set(outcome.batch_created)) != ROUNDS:
        problems.append(f"batches created: {outcome.batch_created}, not one a round")
    assert not problems, "\n".join(problems)
