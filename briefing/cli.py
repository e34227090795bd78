"""The command line: options in, one pipeline call, output or a clear error out."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing import __version__
from briefing.errors import EXIT_FINDINGS, BriefingError, InputError, InvalidBriefError

if TYPE_CHECKING:
    from briefing.models import Article, Brief

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold keys
    rich_markup_mode=None,
    help="Turn Chinese articles into verified bilingual briefs.",
)


class Lang(str, Enum):
    en = "en"
    zh = "zh"
    both = "both"


class Format(str, Enum):
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
    source: Annotated[str, typer.Argument(help="A file (.txt .md .html .json .jsonl), a URL, or -.")],
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


@app.command()
def summarize(
    source: Annotated[str, typer.Argument(help="The article: a file, a URL, or - for stdin.")],
    lang: Annotated[Lang, typer.Option(help="Language of the Markdown.")] = Lang.en,
    fmt: Annotated[
        Format | None,
        typer.Option("--format", help="md or json [default: from -o's extension, else md]."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name (env BRIEFING_MODEL).")] = None,
    provider: Annotated[
        str | None,
        typer.Option(help="openai, deepseek, qwen, moonshot, ollama, openai-compatible."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="An OpenAI-compatible endpoint (env OPENAI_BASE_URL).")
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(help="Answer from a recorded cassette instead of the network (no key)."),
    ] = None,
) -> None:
    """Brief one article in English and Chinese, every claim cited and checked."""
    from briefing.config import resolve_settings
    from briefing.llm import make_llm
    from briefing.pipeline import summarize_article
    from briefing.render.markdown import render_brief

    if fmt is None:
        fmt = Format.json if output is not None and output.suffix == ".json" else Format.md
    with _user_errors():
        article = _read_one(source)
        settings = resolve_settings(
            provider=provider, model=model, base_url=base_url, require_key=replay is None
        )
        llm = make_llm(settings, replay=replay)
        _err(f"Briefing {article.id} ({len(article.paragraphs)} paragraphs) with {llm.model}…")
        brief = summarize_article(article, llm)
        text = (
            brief.model_dump_json(indent=2) if fmt is Format.json else render_brief(brief, lang.value)
        )
        _emit(text, output)
    _report(brief)


def _report(brief: Brief) -> None:
    usage = brief.meta.usage
    claims = sum(len(g.claims) for g in brief.groups)
    _err(
        f"{len(brief.groups)} groups, {claims} claims · {brief.meta.model} · "
        f"{usage.prompt_tokens:,} tokens in, {usage.completion_tokens:,} out"
        f" · {brief.meta.attempts} call(s)"
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
