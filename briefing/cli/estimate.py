"""`estimate`: the tokens and cost a weekly run would take, before paying for it."""

from __future__ import annotations

from typing import Annotated

import typer

from briefing.cli.article import GlossaryOpt, MaxBytesOpt
from briefing.cli.common import ModelOpt, ProviderOpt, count, user_errors
from briefing.cli.weekly import InputsArg, SinceOpt, SourcesOpt, UntilOpt, WeekOpt, prepare_inputs


def estimate(
    inputs: InputsArg = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    week: WeekOpt = None,
    model: ModelOpt = None,
    provider: ProviderOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the estimate as JSON.")] = False,
    max_bytes: MaxBytesOpt = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Count weekly --verify's call per brief too.")
    ] = False,
    sources: SourcesOpt = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Tokens and cost a weekly run would take, per article and in total; no model call."""
    from briefing.digest.estimate import estimate_run
    from briefing.settings import resolve_settings

    with user_errors():
        prepared = prepare_inputs(
            inputs, since, until, week, max_bytes, sources, glossary, register=False
        )
        settings = resolve_settings(
            provider=provider, model=model, require_key=False, require_endpoint=False
        )
        result = estimate_run(prepared, settings, verify=verify)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    for a in result.articles:
        fits = "" if a.fits else "  (over the context: will be split)"
        typer.echo(f"{a.tokens_in:>8,} in {a.tokens_out:>7,} out  {a.input}{fits}")
    cost = (
        "unknown (no price for this model)"
        if result.cost_usd is None
        else (f"${result.cost_usd:.4f}")
    )
    if result.verify is not None:
        typer.echo(
            f"--verify: {result.verify.tokens_in:,} in, {result.verify.tokens_out:,} out "
            "of the total"
        )
    typer.echo(
        f"{count(len(result.articles), 'article')} and their stories on {result.model}: "
        f"{result.total.tokens_in:,} tokens in, {result.total.tokens_out:,} out expected, "
        f"cost {cost}"
    )
