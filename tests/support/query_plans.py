"""SQLite's plan of every statement an engine runs, and the walks of tables that grow with the cases.

A national year is ~300,000 classes: a statement that reads ``case``, ``timer`` or ``case_event`` row by
row costs nothing in a test and seconds in production (the next-due query without LIMIT 1 took
238 ms at 100,000 timers, bench/timers.py). Tests record the plans of what they ran and fail on a walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

# Tables with rows per case, trainee, event or message: they grow with the country's year.
GROWING = frozenset({
    "case", "case_event", "roster_entry", "human_task", "timer", "notice", "objection", "payment",
    "sla_breach", "training_record", "personal_data", "personal_read", "notification", "spot_check",
    "evidence", "institution_event", "anchor_leaf", "work_claim", "sla_reminder", "objection_receipt",
    "app_user", "user_role",  # most users are applicants: ~10⁵ in a national deployment
})  # fmt: skip
_SCAN = re.compile(r"^SCAN (\w+)")
_READS = re.compile(r"\s*(SELECT|UPDATE|DELETE|WITH)")


def walks(plan: list[str], statement: str) -> list[str]:
    """The growing tables a plan reads row by row.

    Excepted: a plain top-N read, with no WHERE, no grouping and no sort of its own, where the scan
    already yields rows in the ORDER BY's order (an index, or the rowid for ``ORDER BY id``) and LIMIT
    stops it after the first rows. A filter could make such a scan run to the end, so it is not excepted.
    """
    top_n = (
        re.search(r"\bORDER BY\b", statement) is not None
        and re.search(r"\bLIMIT\b", statement) is not None
        and re.search(r"\b(WHERE|GROUP BY|DISTINCT|JOIN|UNION)\b", statement) is None
        and statement.count("SELECT") == 1
        and not any("TEMP B-TREE" in line for line in plan)
    )
    found = []
    for line in plan:
        match = _SCAN.match(line)
        if match and match.group(1) in GROWING and not top_n:
            found.append(match.group(1))
    return found


@contextmanager
def recording(engine: Engine, plans: dict[str, list[str]]) -> Iterator[None]:
    """Put the plan of each distinct SELECT / UPDATE / DELETE run on ``engine`` meanwhile into ``plans``."""

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement in plans or not _READS.match(statement):
            return
        first = parameters[0] if many and parameters else parameters  # executemany: one row's values
        rows = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, first).fetchall()
        plans[statement] = [str(row[3]) for row in rows]

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", record)


def walking(plans: dict[str, list[str]]) -> dict[str, list[str]]:
    """The statements that walk a growing table, with the tables they walk."""
    return {statement: walks(plan, statement) for statement, plan in plans.items() if walks(plan, statement)}
