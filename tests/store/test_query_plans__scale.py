"""No command walks a table that grows with the cases: every statement of a busy year uses an index.

This plays a generated year that walks every path (returns, cancellations, objections, fraud, late
reviews, payments) and asks SQLite for the plan of every distinct statement it ran (query_plans.py).
"""

from __future__ import annotations

import pytest
from query_plans import recording, walking, walks

from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun, shipped_policy
from cli.simulation import stream_text
from domain.calendar import BusinessCalendar
from workflows.year_generator import Rates, YearSpec, generate_year

BUSY = Rates(returned=0.4, cancelled=0.15, objection=0.4, objection_upheld=0.4, fraud=0.1, late_review=0.6,
             low_satisfaction=0.15, low_attendance=0.3, enterprise=0.2, individual=0.15)  # fmt: skip


@pytest.fixture(scope="module")
def plans() -> dict[str, list[str]]:
    calendar, policy = BusinessCalendar(), shipped_policy()
    streams = generate_year(YearSpec(cases=16, per_institution=8, seed=11, rates=BUSY), calendar, policy)
    seen: dict[str, list[str]] = {}
    for stream in streams:
        text = stream_text(stream)
        run = ScenarioRun(parse_scenario(text, "year.yaml"), text, calendar, policy=policy)
        try:
            with recording(run.rt.db, seen):
                run.run()
        finally:
            run.close()
    return seen


def test_the_year_ran_the_statements_of_every_path(plans: dict[str, list[str]]) -> None:
    text = " ".join(plans)
    for table in ("objection", "payment", "timer", "notice", "sla_breach", "personal_data", "roster_entry"):
        assert f"FROM {table}" in text, table


def test_no_statement_walks_a_table_that_grows_with_the_cases(plans: dict[str, list[str]]) -> None:
    assert walking(plans) == {}


def test_the_check_sees_a_walk() -> None:
    assert walks(["SCAN case"], 'SELECT * FROM "case" WHERE institution = ?') == ["case"]
    assert walks(["SCAN timer USING INDEX ix_timer_due_at"], "SELECT due_at FROM timer ORDER BY due_at") == [
        "timer"
    ]
    assert (
        walks(["SCAN timer USING INDEX ix_timer_due_at"], "SELECT due_at FROM timer ORDER BY due_at LIMIT ?")
        == []
    )
    assert walks(["SCAN notice"], "SELECT * FROM notice ORDER BY notice.id DESC LIMIT ?") == []
    sorted_all = ["SCAN notice", "USE TEMP B-TREE FOR ORDER BY"]
    assert walks(sorted_all, "SELECT * FROM notice ORDER BY notice.start LIMIT ?") == ["notice"]
    assert walks(["SCAN notice"], "SELECT * FROM notice WHERE amount_fen > ? LIMIT ?") == ["notice"]
    assert walks(["SEARCH case USING INDEX ix_case_status (status=?)"], "SELECT 1") == []
    assert walks(["SCAN deployment"], "SELECT id FROM deployment") == []  # a handful of rows
    grouped = 'SELECT kind, count(*) FROM "case" GROUP BY kind ORDER BY kind LIMIT ?'
    assert walks(["SCAN case", "USE TEMP B-TREE FOR GROUP BY"], grouped) == ["case"]
    filtered = "SELECT * FROM notice WHERE amount_fen > ? ORDER BY notice.id LIMIT ?"
    assert walks(["SCAN notice"], filtered) == ["notice"]
    inner = 'SELECT * FROM payment WHERE case_id = (SELECT id FROM "case" ORDER BY id LIMIT 1)'
    assert walks(["SCAN payment", "SCALAR SUBQUERY 1", "SCAN case"], inner) == ["payment", "case"]
