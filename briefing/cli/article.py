"""One article: `ingest`, `summarize`, `check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.common import (
    BaseUrlOpt,
    Format,
    Lang,
    LangOpt,
    MaxCostOpt,
    MaxTokensOpt,
    ModelOpt,
    NoCacheOpt,
    ProviderOpt,
    ReplayOpt,
    SeedOpt,
    TemperatureOpt,
    TimeoutOpt,
    VerifyOpt,
    cost_text,
    count,
    emit,
    err,
    make_stack,
    settings_for,
    user_errors,
    verification_text,
)
from briefing.errors import EXIT_FINDINGS, InputError, InvalidBriefError

if TYPE_CHECKING:
    from briefing.glossary import Glossary
    from briefing.models import Article, Brief, Digest, Finding
    from briefing.settings import Settings

MaxBytesOpt = Annotated[
    int | None,
    typer.Option(
        "--max-bytes",
        min=1,
        metavar="BYTES",
        help="Refuse an input (a file, a page, stdin, a line of a feed) larger than this "
        "[default: 20000000; `max_bytes` under [input] in the config file].",
    ),
]
GlossaryOpt = Annotated[
    Path | None,
    typer.Option(
        "--glossary",
        metavar="FILE",
        help="Preferred English for Chinese terms [default: glossary.toml in the config folder].",
    ),
]


def read_inputs(source: str, max_bytes: int | None) -> list[Article]:
    """The articles of SOURCE under the size limit of --max-bytes or the config file."""
    from briefing.ingest import read_source
    from briefing.ingest.size import resolve_max_bytes

    return read_source(source, max_bytes=resolve_max_bytes(max_bytes))


def _read_one(source: str, max_bytes: int | None) -> Article:
    articles = read_inputs(source, max_bytes)
    if len(articles) != 1:
        raise InputError(
            f"{source} holds {len(articles)} articles; summarize takes one.",
            "Use `briefing weekly` for a feed, or pass one article's file.",
        )
    return articles[0]


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


def ingest(
    source: Annotated[
        str,
        typer.Argument(metavar="SOURCE", help="A file (.txt .md .html .json .jsonl), URL or -."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Article JSON.")] = False,
    max_bytes: MaxBytesOpt = None,
) -> None:
    """Show an article as briefing reads it: metadata and numbered paragraphs."""
    with user_errors():
        articles = read_inputs(source, max_bytes)
    if as_json:
        # One article: one object. A feed: one object per line (JSON Lines).
        indent = 2 if len(articles) == 1 else None
        for article in articles:
            typer.echo(article.model_dump_json(indent=indent))
        return
    typer.echo("\n\n".join(_article_view(a) for a in articles))


def summarize(
    source: Annotated[
        str, typer.Argument(metavar="SOURCE", help="The article: a file, a URL, or - for stdin.")
    ],
    lang: LangOpt = Lang.en,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            help="md, json, html or pdf [default: from -o's extension (.md .json .html "
            ".pdf), else md]; pdf needs -o FILE.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", help="Write here instead of stdout."),
    ] = None,
    model: ModelOpt = None,
    provider: ProviderOpt = None,
    base_url: BaseUrlOpt = None,
    replay: ReplayOpt = None,
    no_cache: NoCacheOpt = False,
    max_cost: MaxCostOpt = None,
    max_bytes: MaxBytesOpt = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Exit 1 if a claim is flagged (an error-level finding remains)."
        ),
    ] = False,
    verify: VerifyOpt = False,
    temperature: TemperatureOpt = None,
    seed: SeedOpt = None,
    max_tokens: MaxTokensOpt = None,
    timeout: TimeoutOpt = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Brief one article in English and Chinese, every claim cited and checked."""
    from briefing import summarize as summarize_one
    from briefing.models import Sampling

    with user_errors():
        fmt = _output_format(fmt, output)  # before any model call
        article = _read_one(source, max_bytes)
        sampling = Sampling(
            temperature=temperature, seed=seed, max_tokens=max_tokens, timeout=timeout
        )
        settings = settings_for(model, provider, base_url, replay, sampling)
        stack = make_stack(settings, replay, no_cache=no_cache, max_cost=max_cost)
        err(f"Briefing {article.id} ({len(article.paragraphs)} paragraphs) with {settings.model}…")
        brief = summarize_one(article, settings, stack=stack, verify=verify, glossary=glossary)
        _write_brief(brief, fmt, lang, output)
    _report(brief, settings)
    if strict and brief.errors:
        err("Exit 1 (--strict): the brief is written, but not every claim checks out.")
        raise typer.Exit(EXIT_FINDINGS)


_EXTENSIONS = {f".{fmt.value}": fmt for fmt in Format}


def _output_format(fmt: Format | None, output: Path | None) -> Format:
    """The format --format or -o's extension asks for; refused if it cannot be written."""
    to_stdout = output is None or str(output) == "-"
    if fmt is None:
        if to_stdout:
            return Format.md
        assert output is not None
        found = _EXTENSIONS.get(output.suffix.lower())
        if found is None:
            raise InputError(
                f"Cannot tell which format to write to {output}: summarize writes "
                f"{', '.join(_EXTENSIONS)} files.",
                "Name the file with one of those extensions, or pass --format md|json|html|pdf.",
            )
        fmt = found
    if fmt is Format.pdf and to_stdout:
        raise InputError(
            "A PDF is written to a file, not to standard output.",
            "Pass -o FILE.pdf (summarize writes md, json and html to stdout, pdf to a file).",
        )
    return fmt


def _write_brief(brief: Brief, fmt: Format, lang: Lang, output: Path | None) -> None:
    if fmt is Format.pdf:
        from briefing.render.pdf import render_brief_pdf

        assert output is not None  # _output_format refused a PDF without -o
        try:
            render_brief_pdf(brief, lang.value, output)
        except OSError as exc:
            raise InputError(
                f"Cannot write {output}: {exc.strerror}.", "Choose a writable path with -o."
            ) from exc
        err(f"Wrote {output}")
        return
    if fmt is Format.json:
        text = brief.model_dump_json(indent=2)
    elif fmt is Format.html:
        from briefing.render.html import render_brief_html

        text = render_brief_html(brief, lang.value)
    else:
        from briefing.render.markdown import render_brief

        text = render_brief(brief, lang.value)
    emit(text, output)


def _report(brief: Brief, settings: Settings) -> None:
    usage = brief.meta.usage
    claims = sum(len(g.claims) for g in brief.groups)
    calls = count(brief.meta.attempts, "call") if brief.meta.attempts else "answered from the cache"
    err(
        f"{count(len(brief.groups), 'group')}, {count(claims, 'claim')} · {brief.meta.model} · "
        f"{usage.prompt_tokens:,} tokens in, {usage.completion_tokens:,} out, "
        f"{cost_text(settings.cost(usage))} · {calls}"
    )
    if brief.verification is not None:
        err(verification_text(brief.verification))
    if brief.errors:
        n = len(brief.errors)
        err(
            f"Warning: {count(n, 'finding')} {'remains' if n == 1 else 'remain'} after the "
            "re-ask; marked ⚠ in the Markdown and listed under findings in the JSON."
        )


def _load(path: Path) -> Brief | Digest:
    """A brief or a digest file, told apart by its `format` field."""
    from pydantic import ValidationError

    from briefing.ingest.size import read_file, resolve_max_bytes
    from briefing.models import DIGEST_FORMAT, Brief, Digest

    # Bounded and non-blocking: a FIFO, /dev/zero or a directory is refused, not waited on.
    fix = "Pass a brief written by `briefing summarize --format json` or a digest.json."
    raw = read_file(path, resolve_max_bytes(None), fix=fix, option=None)
    try:
        top = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        top = None
    model: type[Brief] | type[Digest] = Brief
    if isinstance(top, dict) and top.get("format") == DIGEST_FORMAT:
        model = Digest
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        kind = DIGEST_FORMAT if model is Digest else "briefing.brief/1"
        raise InvalidBriefError(
            f"{path} is not a valid {kind} file: {where}: {first['msg']} "
            f"({count(exc.error_count(), 'problem')}).",
            fix,
        ) from None


def _digest_findings(
    digest: Digest, glossary: Glossary | None
) -> list[tuple[str, dict[str, object], Finding]]:
    """Every finding of a digest: each brief's (by article id), then each story's (by number),
    then the week in brief's (`week[i]`)."""
    from briefing.digest.week import recheck_week
    from briefing.grounding import check_story, recheck
    from briefing.grounding.glossary import check_story_glossary

    found: list[tuple[str, dict[str, object], Finding]] = []
    for brief in digest.briefs:
        aid = brief.article.id
        found += [(aid, {"article": aid}, f) for f in recheck(brief, glossary)]
    articles = {b.article.id: b.article for b in digest.briefs}
    for n, story in enumerate(digest.stories, 1):
        story_found = check_story(story, articles)
        if glossary is not None and len(story.articles) > 1:  # a story of one is its brief
            story_found += check_story_glossary(story, articles, glossary)
        found += [(f"story {n}", {"story": n}, f) for f in story_found]
    return found + [("", {}, f) for f in recheck_week(digest, glossary)]


def check(
    brief_file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A brief JSON file (briefing.brief/1) or a digest.json (briefing.digest/1).",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    glossary: GlossaryOpt = None,
) -> None:
    """Re-run the grounding checks on a brief or a digest; exit 1 if any error-level finding.

    The glossary's findings come back with a glossary (--glossary, or glossary.toml in the
    config folder); --verify's not-supported findings are shown as recorded."""
    from briefing.glossary import resolve_glossary
    from briefing.grounding import recheck
    from briefing.models import Brief

    with user_errors():
        loaded = _load(brief_file)
        terms = resolve_glossary(glossary)
    if isinstance(loaded, Brief):
        found: list[tuple[str, dict[str, object], Finding]]
        found = [("", {}, f) for f in recheck(loaded, terms)]
        claims = sum(len(g.claims) for g in loaded.groups)
        ok = f"OK: {count(claims, 'claim')} and the core viewpoint check out against the article."
    else:
        found = _digest_findings(loaded, terms)
        parts = [count(len(loaded.briefs), "brief"), count(len(loaded.stories), "story")]
        parts += ["the week in brief"] if loaded.week else []
        ok = f"OK: {', '.join(parts[:-1])} and {parts[-1]} check out against their articles."
    if as_json:
        rows = [{**where, **f.model_dump()} for _, where, f in found]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif found:
        for prefix, _, f in found:
            line = f"{f.severity}: {f.where}: {f.kind}: {f.detail}"
            typer.echo(f"{prefix}: {line}" if prefix else line)
    else:
        typer.echo(ok)
    if any(f.severity == "error" for _, _, f in found):
        raise typer.Exit(EXIT_FINDINGS)
