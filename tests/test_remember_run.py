"""The library's memory from run to run: what `remember_run` records, a later
`prepare_weekly(since="last")` leaves out, as `briefing weekly --since last` does.

The model is the local stand-in server answering with the authored answers of the bundled week
(examples/answers/, written by hand), through the public API a script would use.
"""

from __future__ import annotations

import pytest
from conftest import EXAMPLES
from support.llm_server import StandIn, answer_book
from test_week import _book

from briefing import prepare_weekly, remember_run, resolve_settings, run_weekly
from briefing.errors import NothingNew
from briefing.state import cache_folder, load_state


def test_a_recorded_run_is_not_briefed_again() -> None:
    week = [str(EXAMPLES / "weekly")]
    first = prepare_weekly(week, since="last")
    with StandIn(answer_book(_book(first))) as server:
        settings = resolve_settings(base_url=server.base_url, api_key="stand-in")
        run = run_weekly(first, settings, concurrency=2)
        assert load_state(cache_folder()).briefed == {}  # a run alone records nothing
        remember_run(first, run.digest)
        briefed = load_state(cache_folder()).briefed
        assert {b.article.id for b in run.digest.briefs} <= set(briefed)
        paid = len(server.requests)
        with pytest.raises(NothingNew, match="already briefed"):
            prepare_weekly(week, since="last")
        assert len(server.requests) == paid
