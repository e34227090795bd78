"""The command line: options in, one pipeline call, output or a clear error out."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing import __version__
from briefing.errors import EXIT_FINDINGS, BriefingError, InputError, InvalidBriefError

if TYPE_CHECKING:
    from briefing.config import Settings
    from briefing.llm.base import LLM
    from briefing.llm.batch import BatchOutcome
    from briefing.models import Article, Brief, Digest, Plan

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold keys
    rich_markup_mode=None,
    help="Turn Chinese articles into verified bilingual briefs.",
)


class Lang(StrEnum):
    en = "en"
    zh = "zh"
    both = "both"


class Format(StrEnum):
    md = "md"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefing {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Turn Chinese articles into verified bilingual briefs."""


def _err(text: str) -> None:
    typer.echo(text, err=True)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn domain errors into a message on stderr and their exit code; no traceback."""
    try:
        yield
    except BriefingError as exc:
        if os.environ.get("BRIEFING_TRACEBACK"):
            raise
        _err(f"Error: {exc.message}")
        if exc.hint:
            _err(exc.hint)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _err("Interrupted.")
        raise typer.Exit(130) from None


def _read_one(source: str) -> Article:
    from briefing.ingest import read_source

    articles = read_source(source)
    if len(articles) != 1:
        raise InputError(
            f"{source} holds {len(articles)} articles; summarize takes one.",
            "Split the feed, or pass one article's file.",
        )
    return articles[0]


def _emit(text: str, output: Path | None) -> None:
    from briefing.files import write_atomic

    if output is None or str(output) == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        raise InputError(
            f"Cannot write {output}: {exc.strerror}.", "Choose a writable path with -o."
        ) from exc
    _err(f"Wrote {output}")


def _article_view(article: Article) -> str:
    from briefing.render.markdown import display_time

    lines = [article.title]
    byline = " · ".join(p for p in (article.source, display_time(article.published)) if p)
    if byline:
        lines.append(byline)
    if article.url:
        lines.append(article.url)
    lines.append(f"id {article.id} · {len(article.paragraphs)} paragraphs · {article.language}")
    lines.append("")
    lines += [f"[{n}] {text}" for n, text in enumerate(article.paragraphs, 1)]
    return "\n".join(lines)


@app.command()
def ingest(
    source: Annotated[str, typer.Argument(help="A file (.txt .md .html .json .jsonl), URL or -.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Article JSON.")] = False,
) -> None:
    """Show an article as briefing reads it: metadata and numbered paragraphs."""
    from briefing.ingest import read_source

    with _user_errors():
        articles = read_source(source)
    if as_json:
        # One article: one object. A feed: one object per line (JSON Lines).
        indent = 2 if len(articles) == 1 else None
        for article in articles:
            typer.echo(article.model_dump_json(indent=indent))
        return
    typer.echo("\n\n".join(_article_view(a) for a in articles))


ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name (env BRIEFING_MODEL).")]
ProviderOpt = Annotated[
    str | None,
    typer.Option(
        "--provider", help="openai, deepseek, qwen, moonshot, ollama or openai-compatible."
    ),
]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="An OpenAI-compatible endpoint URL.")
]
ReplayOpt = Annotated[
    Path | None,
    typer.Option("--replay", help="Answer from a recorded cassette instead of the network."),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Ask the model even if the answer is cached.")
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the rendered brief.")]


def _llm(
    model: str | None, provider: str | None, base_url: str | None, replay: Path | None,
    no_cache: bool, *, settings: Settings | None = None, rate_limited: bool = True,
) -> LLM:
    from briefing.config import resolve_settings
    from briefing.limits import RateLimitedLLM, RateLimiter
    from briefing.llm import make_llm
    from briefing.llm.cache import CachedLLM, ResponseCache

    if settings is None:
        settings = resolve_settings(
            provider=provider, model=model, base_url=base_url, require_key=replay is None
        )
    # Replays cost nothing, so they neither read nor fill the cache.
    cache = None if no_cache or replay is not None else ResponseCache()
    if replay is not None or not rate_limited:
        return make_llm(settings, replay=replay, cache=cache)
    # The limiter is the client's sleep between retries: a Retry-After holds every call back.
    limiter = RateLimiter(settings.rpm, settings.tpm)
    llm = make_llm(settings, cache=cache, sleep=limiter.pause)
    if isinstance(llm, CachedLLM):  # the cache outside: an answer from it spends no budget
        llm.inner = RateLimitedLLM(llm.inner, limiter)
        return llm
    return RateLimitedLLM(llm, limiter)


@app.command()
def summarize(
    source: Annotated[str, typer.Argument(help="The article: a file, a URL, or - for stdin.")],
    lang: LangOpt = Lang.en,
    fmt: Annotated[
        Format | None,
        typer.Option("--format", help="md or json [default: from -o's extension, else md]."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    model: ModelOpt = None,
    provider: ProviderOpt = None,
    base_url: BaseUrlOpt = None,
    replay: ReplayOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Brief one article in English and Chinese, every claim cited and checked."""
    from briefing.pipeline import summarize_article
    from briefing.render.markdown import render_brief

    if fmt is None:
        fmt = Format.json if output is not None and output.suffix == ".json" else Format.md
    with _user_errors():
        article = _read_one(source)
        llm = _llm(model, provider, base_url, replay, no_cache)
        _err(f"Briefing {article.id} ({len(article.paragraphs)} paragraphs) with {llm.model}…")
        brief = summarize_article(article, llm)
        if fmt is Format.json:
            text = brief.model_dump_json(indent=2)
        else:
            text = render_brief(brief, lang.value)
        _emit(text, output)
    _report(brief)


def _report(brief: Brief) -> None:
    usage = brief.meta.usage
    claims = sum(len(g.claims) for g in brief.groups)
    from briefing.pricing import cost_usd

    calls = f"{brief.meta.attempts} call(s)" if brief.meta.attempts else "answered from the cache"
    cost = cost_usd(brief.meta.model, usage)
    _err(
        f"{len(brief.groups)} groups, {claims} claims · {brief.meta.model} · "
        f"{usage.prompt_tokens:,} tokens in, {usage.completion_tokens:,} out, "
        f"{'unknown cost' if cost is None else f'${cost:.4f}'} · {calls}"
    )
    if brief.errors:
        _err(
            f"Warning: {len(brief.errors)} finding(s) remain after the re-ask; they are marked "
            "⚠ in the Markdown and listed under findings in the JSON."
        )


def _load_brief(path: Path) -> Brief:
    from pydantic import ValidationError

    from briefing.models import Brief

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidBriefError(
            f"{path} does not exist.", "Pass a brief written by `briefing summarize --format json`."
        ) from None
    except OSError as exc:
        raise InvalidBriefError(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        return Brief.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InvalidBriefError(
            f"{path} is not a valid briefing.brief/1 file: {where}: {first['msg']} "
            f"({exc.error_count()} problem(s)).",
            "Pass a brief written by `briefing summarize --format json`.",
        ) from None


@app.command()
def check(
    brief_file: Annotated[Path, typer.Argument(help="A brief JSON file (briefing.brief/1).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Re-run the grounding checks on a brief file; exit 1 if any error-level finding."""
    from briefing.grounding import check_brief

    with _user_errors():
        brief = _load_brief(brief_file)
    findings = check_brief(brief)
    if as_json:
        typer.echo(json.dumps([f.model_dump() for f in findings], ensure_ascii=False, indent=2))
    elif findings:
        for f in findings:
            typer.echo(f"{f.severity}: {f.where}: {f.kind}: {f.detail}")
    else:
        claims = sum(len(g.claims) for g in brief.groups)
        typer.echo(f"OK: {claims} claims and the core viewpoint check out against the article.")
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def weekly(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders, globs and .jsonl feeds, mixed.")
    ],
    since: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
    week: Annotated[str | None, typer.Option(help="An ISO week instead, e.g. 2025-W43.")] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for the outputs ('-' prints the plan).")
    ] = Path("weekly-brief"),
    formats: Annotated[
        str, typer.Option(help="Comma-separated: md, html, pdf, json.")
    ] = "md,html,pdf,json",
    lang: LangOpt = Lang.en,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read, merge and group only; write plan.json.")
    ] = False,
    model: ModelOpt = None,
    provider: ProviderOpt = None,
    base_url: BaseUrlOpt = None,
    replay: ReplayOpt = None,
    no_cache: NoCacheOpt = False,
    batch: Annotated[
        bool,
        typer.Option("--batch", help="Brief through the OpenAI Batch API: half the price, "
                     "answers within 24 h. Run the same command again to pick the batch up."),
    ] = False,
    batch_wait: Annotated[
        float,
        typer.Option("--batch-wait", min=0, metavar="SECONDS", help="How long to wait for "
                     "the batch (0: check once); if it is not done by then, exit 75."),
    ] = 0.0,
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", min=1, help="Model calls at once [default: the "
                     "provider's, e.g. 8 for openai; `concurrency` in the config file]."),
    ] = None,
) -> None:
    """Brief a week of articles: duplicates merged, stories synthesised, MD/HTML/PDF/JSON."""
    from briefing.config import resolve_settings
    from briefing.digest.period import parse_window
    from briefing.digest.prepare import prepare
    from briefing.limits import Interrupted
    from briefing.pipeline import build_digest, plan_digest
    from briefing.progress import progress_display
    from briefing.render.outputs import FORMATS, write_digest

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    with _user_errors():
        unknown = [f for f in wanted if f not in FORMATS]
        if unknown or not wanted:
            raise InputError(
                f"Unknown format(s): {', '.join(unknown) or '(none)'}.",
                f"Choose from {', '.join(FORMATS)}, e.g. --formats md,pdf.",
            )
        prepared = prepare(inputs, parse_window(since, until, week))
        if dry_run:
            plan = plan_digest(prepared)
            _emit_plan(plan, output)
            return
        settings = resolve_settings(
            provider=provider, model=model, base_url=base_url, require_key=replay is None
        )
        # A batch needs the client right under the cache (briefing.llm.batch.backend); its
        # briefs then come from the cache, and the story calls go without our rate limiter.
        llm = _llm(model, provider, base_url, replay, no_cache, settings=settings,
                   rate_limited=not batch)
        workers = concurrency or settings.concurrency
        _err(f"Briefing {len(prepared.articles)} article(s) with {llm.model}, "
             f"{workers} at a time…")
        batched = _batch(prepared.articles, llm, batch_wait) if batch else None
        interrupted = False
        with progress_display(_err) as show:
            try:
                digest = build_digest(prepared, llm, progress=show, concurrency=workers)
            except Interrupted as stop:  # Ctrl-C: write what is finished, then exit 130
                digest, interrupted = stop.digest, True
        digest.meta.cached_calls = getattr(llm, "hits", 0)
        if batched is not None:
            batched.add_to(digest.meta)
        for path in write_digest(digest, output, wanted, lang.value):
            _err(f"Wrote {path}")
    _weekly_report(digest)
    if interrupted:
        _err("Interrupted: the outputs hold what was finished before Ctrl-C.")
        raise typer.Exit(130)
    if digest.failures:
        raise typer.Exit(EXIT_FINDINGS)


def _batch(articles: list[Article], llm: LLM, wait: float) -> BatchOutcome:
    """The brief requests answered through a batch into the cache; exit 75 while it runs."""
    from briefing.llm.batch import BatchPending, prefill_briefs

    try:
        return prefill_briefs(articles, llm, wait=wait, progress=_err)
    except BatchPending as exc:  # not an error: no "Error:" prefix
        _err(exc.message)
        _err(exc.hint or "")
        raise typer.Exit(exc.exit_code) from None


def _emit_plan(plan: Plan, output: Path) -> None:
    text = plan.model_dump_json(indent=2)
    _emit(text, output if str(output) == "-" else output / "plan.json")
    tokens = sum(a.tokens for a in plan.articles)
    _err(
        f"{len(plan.articles)} article(s) to brief ({tokens:,} prompt tokens), "
        f"{sum(len(d.dropped) for d in plan.duplicates)} duplicate(s) merged, "
        f"{len(plan.stories)} stories, {len(plan.failures)} failure(s), "
        f"{plan.skipped.outside_period} outside the period. No model was called."
    )


def _weekly_report(digest: Digest) -> None:
    usage, meta = digest.meta.usage, digest.meta
    cost = "unknown cost" if meta.cost_usd is None else f"${meta.cost_usd:.4f}"
    _err(
        f"{len(digest.briefs)} brief(s), {len(digest.stories)} stories, "
        f"{sum(len(d.dropped) for d in digest.duplicates)} duplicate(s) merged · "
        f"{usage.prompt_tokens:,} tokens in, {usage.completion_tokens:,} out, {cost}"
        f" · {meta.cached_calls} answer(s) from the cache"
    )
    for warning in meta.warnings:
        _err(f"Warning: {warning}")
    for failure in digest.failures:
        _err(f"Failed: {failure.input}: {failure.error}")
    if digest.failures:
        _err("Run the same command again to retry the failures; answers received are cached.")


from briefing.slack.cli import slack_app  # noqa: E402 - registered after the commands above

app.add_typer(slack_app, name="slack")
