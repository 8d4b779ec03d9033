"""No command walks a table that grows with the cases: every statement of a busy year uses an index.

A national year is ~300,000 classes: a statement that scans ``case``, ``timer`` or ``case_event`` costs
nothing in a test and seconds in production (the next-due query without LIMIT 1 took 238 ms at
100,000 timers, bench/timers.py). This plays a generated year that walks every path (returns,
cancellations, objections, fraud, late reviews, payments) and asks SQLite for the plan of every
distinct statement it ran.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import event

from cli.scenario_file import parse_scenario
from cli.scenario_run import ScenarioRun, shipped_policy
from cli.simulation import stream_text
from domain.calendar import BusinessCalendar
from workflows.year_generator import Rates, YearSpec, generate_year

# Tables with rows per case, trainee, event or message: they grow with the country's year.
GROWING = frozenset({
    "case", "case_event", "roster_entry", "human_task", "timer", "notice", "objection", "payment",
    "sla_breach", "training_record", "personal_data", "personal_read", "notification", "spot_check",
    "evidence", "institution_event", "anchor_leaf", "work_claim", "sla_reminder", "objection_receipt",
})  # fmt: skip
BUSY = Rates(returned=0.4, cancelled=0.15, objection=0.4, objection_upheld=0.4, fraud=0.1, late_review=0.6,
             low_satisfaction=0.15, low_attendance=0.3, enterprise=0.2, individual=0.15)  # fmt: skip
_SCAN = re.compile(r"^SCAN (\w+)")


def walks(plan: list[str], statement: str) -> list[str]:
    """The growing tables a plan reads row by row (an ordered index walk stopped by LIMIT excepted)."""
    found = []
    for line in plan:
        match = _SCAN.match(line)
        if match and match.group(1) in GROWING:
            if "USING" in line and "INDEX" in line and re.search(r"\bLIMIT\b", statement):
                continue  # top-N on an index: stops after the first rows
            found.append(match.group(1))
    return found


@pytest.fixture(scope="module")
def plans() -> dict[str, list[str]]:
    calendar, policy = BusinessCalendar(), shipped_policy()
    streams = generate_year(YearSpec(cases=16, per_institution=8, seed=11, rates=BUSY), calendar, policy)
    seen: dict[str, list[str]] = {}
    for stream in streams:
        text = stream_text(stream)
        run = ScenarioRun(parse_scenario(text, "year.yaml"), text, calendar, policy=policy)

        def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            if many or statement in seen or not re.match(r"\s*(SELECT|UPDATE|DELETE)", statement):
                return
            rows = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            seen[statement] = [str(row[3]) for row in rows]

        event.listen(run.rt.db, "before_cursor_execute", record)
        try:
            run.run()
        finally:
            event.remove(run.rt.db, "before_cursor_execute", record)
            run.close()
    return seen


def test_the_year_ran_the_statements_of_every_path(plans: dict[str, list[str]]) -> None:
    text = " ".join(plans)
    for table in ("objection", "payment", "timer", "notice", "sla_breach", "personal_data", "roster_entry"):
        assert f"FROM {table}" in text, table


def test_no_statement_walks_a_table_that_grows_with_the_cases(plans: dict[str, list[str]]) -> None:
    walking = {
        statement: walks(plan, statement) for statement, plan in plans.items() if walks(plan, statement)
    }
    assert walking == {}


def test_the_check_sees_a_walk() -> None:
    assert walks(["SCAN case"], 'SELECT * FROM "case" WHERE institution = ?') == ["case"]
    assert walks(["SCAN timer USING INDEX ix_timer_due_at"], "SELECT due_at FROM timer ORDER BY due_at") == [
        "timer"
    ]
    assert (
        walks(["SCAN timer USING INDEX ix_timer_due_at"], "SELECT due_at FROM timer ORDER BY due_at LIMIT ?")
        == []
    )
    assert walks(["SEARCH case USING INDEX ix_case_status (status=?)"], "SELECT 1") == []
    assert walks(["SCAN app_user"], "SELECT username FROM app_user") == []
