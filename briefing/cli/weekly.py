"""Many articles: `weekly`, the digest (its cost beforehand: briefing/cli/estimate.py)."""

from __future__ import annotations

import logging
import os
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.article import GlossaryOpt, MaxBytesOpt
from briefing.cli.common import (
    BaseUrlOpt,
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
from briefing.errors import EXIT_FINDINGS, InputError

if TYPE_CHECKING:
    from briefing.digest.prepare import Prepared
    from briefing.models import Digest, Estimate, Plan
    from briefing.slack.target import SlackTarget

log = logging.getLogger(__name__)

InputsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="INPUTS",
        help="Files, folders, globs, .jsonl feeds, RSS/Atom feeds and URLs, mixed.",
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="First day, YYYY-MM-DD; or 'last': what no earlier run has briefed.",
    ),
]
SourcesOpt = Annotated[
    str | None,
    typer.Option(
        "--sources",
        metavar="FILE",
        help="A file of inputs: one feed URL, page URL or path a line, # comments.",
    ),
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", metavar="DATE", help="Last day, YYYY-MM-DD.")
]
WeekOpt = Annotated[str | None, typer.Option("--week", help="An ISO week instead: 2025-W43.")]


def prepare_inputs(
    inputs: list[str] | None,
    since: str | None,
    until: str | None,
    week: str | None,
    max_bytes: int | None,
    sources: str | None = None,
    glossary: Path | None = None,
    *,
    register: bool = True,
) -> Prepared:
    """The flags' inputs read and decided (briefing.prepare_weekly); an error if none."""
    from briefing import prepare_weekly

    if not inputs and sources is None:
        raise InputError(
            "No input given.", "Name files, folders, feeds or URLs, or --sources FILE."
        )
    return prepare_weekly(
        inputs or [],
        since=since,
        until=until,
        week=week,
        max_bytes=max_bytes,
        sources=sources,
        glossary=glossary,
        register=register,
    )


def weekly(
    inputs: InputsArg = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    week: WeekOpt = None,
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", metavar="FOLDER", help="Folder for the outputs ('-' prints the plan)."
        ),
    ] = Path("weekly-brief"),
    formats: Annotated[
        str, typer.Option(metavar="LIST", help="Comma-separated: md, html, pdf, json.")
    ] = "md,html,pdf,json",
    lang: LangOpt = Lang.en,
    appendix: Annotated[
        bool,
        typer.Option(
            "--appendix/--no-appendix",
            help="End the digest with the cited paragraphs, where its citations link.",
        ),
    ] = True,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read, merge and group only; write plan.json.")
    ] = False,
    slack: Annotated[
        bool, typer.Option("--slack", help="Post the digest to Slack (see `slack post`).")
    ] = False,
    model: ModelOpt = None,
    provider: ProviderOpt = None,
    base_url: BaseUrlOpt = None,
    replay: ReplayOpt = None,
    no_cache: NoCacheOpt = False,
    max_cost: MaxCostOpt = None,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch",
            help="Make the week's model calls through the OpenAI Batch API: half the price, "
            "answers within 24 h, in up to three rounds (briefs, stories, week). Exit 75 "
            "while a round runs: run the same command again to pick it up.",
        ),
    ] = False,
    batch_wait: Annotated[
        float,
        typer.Option(
            "--batch-wait",
            min=0,
            metavar="SECONDS",
            help="How long to wait for "
            "the batches, all rounds together (0: check each once); if one is not done by then, "
            "exit 75.",
        ),
    ] = 0.0,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            min=1,
            metavar="N",
            help="Model calls at once [default: the "
            "provider's, e.g. 8 for openai; `concurrency` in the config file].",
        ),
    ] = None,
    max_bytes: MaxBytesOpt = None,
    verify: VerifyOpt = False,
    temperature: TemperatureOpt = None,
    seed: SeedOpt = None,
    max_tokens: MaxTokensOpt = None,
    timeout: TimeoutOpt = None,
    sources: SourcesOpt = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Brief a week of articles: duplicates merged, stories synthesised, MD/HTML/PDF/JSON."""
    from briefing import remember_run
    from briefing.digest.estimate import estimate_run
    from briefing.digest.run import plan_digest, run_weekly
    from briefing.errors import NothingNew
    from briefing.llm.batch import BatchPending
    from briefing.models import Sampling
    from briefing.progress import progress_display
    from briefing.render.outputs import FORMATS, write_digest
    from briefing.state import cache_folder, run_lock

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    with user_errors(), ExitStack() as held:
        unknown = [f for f in wanted if f not in FORMATS]
        if unknown or not wanted:
            raise InputError(
                f"Unknown {'format' if len(unknown) == 1 else 'formats'}: "
                f"{', '.join(unknown) or '(none)'}.",
                f"Choose from {', '.join(FORMATS)}, e.g. --formats md,pdf.",
            )
        if batch and max_cost is not None:
            raise InputError(
                "--max-cost does not apply to --batch.",
                "Check the cost first with `briefing estimate`, then run --batch.",
            )
        if not dry_run:  # one run at a time: the state in the cache folder is read and written
            held.enter_context(run_lock(cache_folder()))
        try:
            prepared = prepare_inputs(
                inputs, since, until, week, max_bytes, sources, glossary, register=not dry_run
            )
        except NothingNew as exc:  # `--since last` and nothing new: not an error
            err(exc.message)
            return
        if dry_run:
            _emit_plan(plan_digest(prepared), output)
            return
        # Fail on a missing Slack target or an unwritable folder now, not after paying.
        target = _slack_target() if slack else None
        _check_writable(output)
        sampling = Sampling(
            temperature=temperature, seed=seed, max_tokens=max_tokens, timeout=timeout
        )
        settings = settings_for(model, provider, base_url, replay, sampling)
        if max_cost is not None and replay is None:
            _check_projection(estimate_run(prepared, settings, verify=verify), max_cost)
        # A batch's answers come from the cache, and its few live calls go without our limiter.
        stack = make_stack(
            settings, replay, no_cache=no_cache, max_cost=max_cost, rate_limited=not batch
        )
        workers = concurrency or settings.concurrency
        err(
            f"Briefing {count(len(prepared.articles), 'article')} with {settings.model}, "
            f"{workers} at a time…"
        )
        with progress_display(err) as show:
            try:
                run = run_weekly(
                    prepared,
                    settings,
                    stack=stack,
                    concurrency=workers,
                    progress=show,
                    batch=batch,
                    batch_wait=batch_wait,
                    notify=err,
                    verify=verify,
                )
            except BatchPending as exc:  # not an error: no "Error:" prefix
                err(exc.message)
                err(exc.hint or "")
                raise typer.Exit(exc.exit_code) from None
        digest, interrupted = run.digest, run.interrupted
        log.info("render: %s into %s", ", ".join(wanted), output)
        try:
            for path in write_digest(digest, output, wanted, lang.value, appendix=appendix):
                err(f"Wrote {path}")
        except OSError as exc:
            cached = "" if no_cache or replay else ": the answers are cached, so it costs nothing"
            raise InputError(
                f"Cannot write the digest to {output}: {exc.strerror or exc}.",
                f"Free some space or choose another folder with -o, then run again{cached}.",
            ) from exc
        remember_run(prepared, digest)
        _weekly_report(digest)
        if target is not None and not interrupted:
            from briefing.slack.post import post_document

            source = str(output / "digest.json")
            post_document(digest, target, lang.value, progress=err, source=source)
    if interrupted:
        from briefing.signals import exit_code, stopped_by

        err(f"Interrupted: the outputs hold what was finished before {stopped_by()}.")
        raise typer.Exit(exit_code())  # 130 after Ctrl-C, 143 after SIGTERM
    if digest.failures:
        raise typer.Exit(EXIT_FINDINGS)


def _check_writable(folder: Path) -> None:
    """Say now if the output folder cannot be made or written to (nothing is created yet)."""
    existing = folder.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    problem = (
        "is not a folder"
        if not existing.is_dir()
        else "is not writable"
        if not os.access(existing, os.W_OK)
        else None
    )
    if problem:
        raise InputError(
            f"Cannot write to the output folder {folder}: {existing} {problem}.",
            "Choose a writable folder with -o.",
        )


def _slack_target() -> SlackTarget | None:
    from briefing.slack.target import resolve_target

    return resolve_target()


def _check_projection(estimate: Estimate, max_cost: float) -> None:
    if estimate.cost_usd is None:
        raise InputError(
            f"No price is known for {estimate.model!r}, so --max-cost cannot be enforced.",
            "Drop --max-cost, or set the model's price under [prices] in the config file "
            "(USD per million tokens in and out; see README, Cost).",
        )
    if estimate.cost_usd > max_cost:
        raise InputError(
            f"The run is projected to cost ${estimate.cost_usd:.4f}, over --max-cost "
            f"${max_cost:.2f} ({estimate.total.tokens_in:,} tokens in, "
            f"{estimate.total.tokens_out:,} out expected).",
            "Raise --max-cost, narrow the period, or see `briefing estimate` for each article.",
        )


def _emit_plan(plan: Plan, output: Path) -> None:
    emit(plan.model_dump_json(indent=2), output if str(output) == "-" else output / "plan.json")
    tokens = sum(a.tokens for a in plan.articles)
    err(
        f"{count(len(plan.articles), 'article')} to brief ({tokens:,} prompt tokens), "
        f"{count(sum(len(d.dropped) for d in plan.duplicates), 'duplicate')} merged, "
        f"{count(len(plan.stories), 'story')}, {count(len(plan.failures), 'failure')}, "
        f"{plan.skipped.outside_period} outside the period"
        + (
            f", {plan.skipped.already_briefed} already briefed"
            if plan.skipped.already_briefed
            else ""
        )
        + ". No model was called."
    )


def _weekly_report(digest: Digest) -> None:
    usage, meta = digest.meta.usage, digest.meta
    cost = cost_text(meta.cost_usd)
    err(
        f"{count(len(digest.briefs), 'brief')}, {count(len(digest.stories), 'story')}, "
        f"{count(sum(len(d.dropped) for d in digest.duplicates), 'duplicate')} merged · "
        f"{usage.prompt_tokens:,} tokens in, {usage.completion_tokens:,} out, {cost}"
        f" · {count(meta.cached_calls, 'answer')} from the cache"
        f" · {count(meta.retries, 'call')} retried"
    )
    if digest.verification is not None:
        err(verification_text(digest.verification))
    for warning in meta.warnings:
        err(f"Warning: {warning}")
    for line in meta.glossary:
        err(f"Glossary: {line}")
    from briefing.digest.pool import INTERRUPTED

    failed = [f for f in digest.failures if f.error != INTERRUPTED]
    for failure in failed:
        err(f"Failed: {failure.input}: {failure.error}")
    stopped = len(digest.failures) - len(failed)
    if stopped:
        err(f"Not briefed, the run was interrupted: {count(stopped, 'article')}.")
    if digest.failures:
        err("Run the same command again to brief the rest; answers received are cached.")
