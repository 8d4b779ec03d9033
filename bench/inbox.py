"""Inbox latency at scale: 100,000 open human tasks, a page query vs the old load-everything query.

    .venv/bin/python -m bench.inbox [--cases 100000] [--runs 30]

Rows are bulk-inserted (not played through the engine): one case and one open task per case,
spread over the roles, institutions and due dates of a busy year. Prints p50 / p99 in ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, col, select

from bpmn.clock import VirtualClock
from cases.runtime import Runtime
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from store.catalogue import ensure_user
from store.db import make_engine
from store.migrate import upgrade
from store.tables import CaseRow, DeploymentRow, HumanTask
from tasks.inbox import Due, InboxQuery, Tab, inbox_page

ROLES = ("reviewer", "rechecker", "approver", "inspector", "applicant")
KEYS = {"reviewer": "opening_first_review", "rechecker": "opening_recheck", "approver": "opening_approval",
        "inspector": "spot_check", "applicant": "subsidy_claim"}  # fmt: skip
INSTITUTIONS = ("济源技师学院", "济源职业技术学院", "济源市高级技工学校", "济源市就业训练中心")
NOW = datetime(2026, 6, 5, 9, 0, tzinfo=SHANGHAI)


def seed(rt: Runtime, cases: int) -> None:
    """Bulk rows: ``cases`` cases with one open (some claimed) task each."""
    with Session(rt.db) as session:
        session.add(DeploymentRow(id="bench", policy={}, created_at=NOW))
        for user, role in (("wang", "reviewer"), ("jyjs", "applicant")):
            ensure_user(session, user, role)
        session.commit()
        batch = 5000
        for start in range(0, cases, batch):
            rows = [
                {
                    "label": f"c{i}", "deployment_id": "bench", "process_id": "subsidy_lifecycle",
                    "applicant": "jyjs" if i % 50 == 0 else f"applicant{i % 400}",
                    "institution": INSTITUTIONS[i % 4], "occupation": ("焊工", "电工", "育婴员")[i % 3],
                    "level": "初级工", "batch": f"2026-{i}", "start_date": date(2026, 7, 1),
                    "end_date": date(2026, 8, 1), "planned_count": 40, "status": "opening_review",
                    "figures": {}, "snapshot": "{}", "digest": "0" * 64, "created_at": NOW, "updated_at": NOW,
                }
                for i in range(start, min(cases, start + batch))
            ]  # fmt: skip
            session.execute(insert(CaseRow), rows)
        ids = list(session.exec(select(col(CaseRow.id)).order_by(col(CaseRow.id))))
        for start in range(0, len(ids), batch):
            tasks = []
            for n, case_id in enumerate(ids[start : start + batch], start):
                role = ROLES[n % len(ROLES)]
                due = None if role in ("inspector", "applicant") else NOW + timedelta(days=(n % 40) - 10)
                claimed = n % 7 == 0
                tasks.append({
                    "case_id": case_id, "task_key": KEYS[role], "spec_id": KEYS[role], "title": KEYS[role],
                    "role": role, "status": "claimed" if claimed else "open",
                    "assignee": ("wang" if n % 2 else "li") if claimed else None, "due_at": due, "created_at": NOW,
                })  # fmt: skip
            session.execute(insert(HumanTask), tasks)
        session.commit()


def old_open_tasks(rt: Runtime, username: str) -> int:
    """The inbox as it was: every matching case loaded, filtered and sorted in Python."""
    with rt.session() as session:
        user = ensure_user(session, username)
        stmt = (
            select(HumanTask, CaseRow)
            .join(CaseRow, col(CaseRow.id) == col(HumanTask.case_id))
            .where(col(HumanTask.status).in_(("open", "claimed")))
            .where(col(HumanTask.role).in_(user.roles))
        )
        items = []
        for task, case in session.exec(stmt):
            if task.role == "applicant" and case.applicant != username:
                continue
            if task.status == "claimed" and task.assignee != username:
                continue
            days = rt.calendar.working_days_between(rt.today(), task.due_at.date()) if task.due_at else None
            items.append((task.due_at or datetime.max.replace(tzinfo=SHANGHAI), task.id, days))
        session.rollback()
    return len(sorted(items))


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    call()  # warm the caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]


def main() -> None:
    """Seed, then time each query."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        rt = Runtime(engine, VirtualClock(NOW), BusinessCalendar(), Policy())
        started = time.perf_counter()
        seed(rt, args.cases)
        print(f"seeded {args.cases:,} open tasks in {time.perf_counter() - started:.1f} s (SQLite file)")
        cases: list[tuple[str, Callable[[], object]]] = [
            ("old: every task of the role, in Python (reviewer)", lambda: old_open_tasks(rt, "wang")),
            ("new: page 1, all tabs + counts (reviewer)", lambda: inbox_page(rt, "wang")),
            ("new: page 200 (reviewer)", lambda: inbox_page(rt, "wang", InboxQuery(page=200))),
            ("new: claimed by me (reviewer)", lambda: inbox_page(rt, "wang", InboxQuery(tab=Tab.MINE))),
            ("new: overdue at one institution (reviewer)",
             lambda: inbox_page(rt, "wang", InboxQuery(institution=INSTITUTIONS[1], due=Due.OVERDUE))),
            ("old: applicant's own tasks", lambda: old_open_tasks(rt, "jyjs")),
            ("new: applicant's own tasks, page 1", lambda: inbox_page(rt, "jyjs")),
        ]  # fmt: skip
        for name, call in cases:
            p50, p99 = timed(call, args.runs)
            print(f"{name:<52} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()
