"""Due timers at scale: 100,000 waiting timers, 1,000 of them due; finding and firing them vs the baselines.

    .venv/bin/python -m bench.timers [--timers 100000] [--due 1000] [--sample 200]

One real case is filed through the engine (an opening application: its opening-review SLA timer);
its rows are then bulk-copied: the ``--due`` cases whole (row, event chain re-hashed for the new
case id, timer due), the rest as case rows with a timer due later (their snapshot is never read on
the indexed path, so it is not copied). Measured in the same run:

- find: the due query on the ``timer`` index vs the same query forced to scan the table;
- find + fire: ``fire_due_timers`` (claims, engine steps, commits) over the 1,000 due;
- the old way: load every case through the engine and ask it for its due timers, timed on a
  ``--sample`` of cases and extrapolated to all of them.

Prints figures and ratios; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, text
from sqlmodel import Session, col, select

from bpmn.clock import VirtualClock
from cases.commands import Actor, submit_task
from cases.runtime import Runtime
from cli.catalogue_seed import seed_demo_catalogue
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.idnumber import IdentityGenerator
from domain.policy import Policy
from store.catalogue import ensure_user
from store.db import make_engine
from store.event_log import event_hash
from store.migrate import upgrade
from store.tables import CaseEvent, CaseRow, Timer
from store.types import AwareDateTime
from workflows.steps import fire_due_timers
from workflows.sweep import due_cases, next_timer_at

FILED = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=SHANGHAI)  # the real case's timer (15 March) is due
BATCH = 5000
APPLICATION = {
    "institution": "济源技师学院", "contact_name": "陈老师", "contact_phone": "13800000001",
    "bank_name": "中国工商银行济源分行", "bank_account": "6222000000000000001", "batch": "2026-焊工-B1",
    "start_date": "2026-03-16", "end_date": "2026-04-24", "schedule": "full_time", "class_hours": 160,
    "practical_hours": 112, "occupation": "焊工", "level": "中级工", "planned_count": 3,
    "mode": "委托培训", "key_group": False, "teaching_plan": "理论48课时，实操112课时",
}  # fmt: skip


def file_one(rt: Runtime) -> int:
    """One real case through the engine: an opening application waiting on its SLA timer."""
    with Session(rt.db) as session:
        seed_demo_catalogue(session)
        ensure_user(session, "jyjs", "applicant")
        session.commit()
    for seed in range(10):  # a generated trainee may be too old on the opening day: another seed
        roster = [
            {"name": t.name, "id_number": t.id_number, "phone": t.phone, "group": t.group}
            for t in IdentityGenerator(f"bench-timers-{seed}").trainees(3)
        ]
        filed = submit_task(rt, case_id=None, actor=Actor("jyjs", "applicant"),
                            task_key="opening_application", data={**APPLICATION, "roster": roster})  # fmt: skip
        if filed.ok and filed.case_id is not None:
            return filed.case_id
    raise RuntimeError(f"the bench case was refused: {filed.errors}")


def copy_cases(rt: Runtime, original: int, total: int, due: int) -> None:
    """Bulk copies of the case: ``due`` whole ones with a due timer, the rest with a timer due later."""
    with Session(rt.db) as session:
        case = session.get(CaseRow, original)
        assert case is not None
        timer = session.exec(select(Timer).where(Timer.case_id == original)).one()
        events = list(
            session.exec(select(CaseEvent).where(CaseEvent.case_id == original).order_by(col(CaseEvent.seq)))
        )
        row = case.model_dump(exclude={"id"})
        next_id = original + 1
        for start in range(0, total - 1, BATCH):
            count = min(BATCH, total - 1 - start)
            ids = range(next_id, next_id + count)
            cases, timers, chain = [], [], []
            for i, case_id in enumerate(ids, start=start):
                is_due = i < due - 1
                copy: dict[str, Any] = {**row, "id": case_id}  # the row as sealed by its last event
                if is_due:
                    prev = "0" * 64
                    for event in events:
                        body = {"case_id": case_id, "seq": event.seq, "type": event.type, "actor": event.actor,
                                "payload": event.payload, "at": event.at.isoformat(), "digest": event.digest}  # fmt: skip
                        digest = event_hash(prev, body)
                        chain.append({**event.model_dump(exclude={"id"}), "case_id": case_id,
                                      "prev_hash": prev, "hash": digest})  # fmt: skip
                        prev = digest
                    copy["head_hash"] = prev
                    due_at = timer.due_at
                else:
                    copy["snapshot"], copy["digest"] = "{}", "0" * 64  # never loaded on the indexed path
                    due_at = NOW + timedelta(minutes=5 + i % (300 * 24 * 60))
                cases.append(copy)
                timers.append({"case_id": case_id, "spec_id": timer.spec_id, "due_at": due_at})
            session.execute(insert(CaseRow), cases)
            session.execute(insert(Timer), timers)
            if chain:
                session.execute(insert(CaseEvent), chain)
            session.commit()
            next_id += count


def timed(fn: Any, runs: int = 5) -> float:
    """Median seconds of ``fn()``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.timers")
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        clock = VirtualClock(FILED)
        rt = Runtime(engine, clock, BusinessCalendar(), Policy())
        original = file_one(rt)
        start = time.perf_counter()
        copy_cases(rt, original, args.timers, args.due)
        print(
            f"seeded {args.timers:,} cases with one waiting timer each in {time.perf_counter() - start:.1f} s"
        )
        clock.move_to(NOW)
        cutoff = NOW

        scan_query = text(
            "SELECT case_id, due_at FROM timer NOT INDEXED WHERE due_at < :now ORDER BY due_at"
        ).bindparams(bindparam("now", type_=AwareDateTime()))

        def scan() -> int:
            with engine.connect() as connection:  # the same query, the index not used
                return len(connection.execute(scan_query, {"now": cutoff}).all())

        assert len(due_cases(rt, cutoff)) == args.due == scan()
        find = timed(lambda: due_cases(rt, cutoff))
        full = timed(scan)
        print(f"find the {args.due:,} due: index {find * 1000:.1f} ms, full table scan {full * 1000:.1f} ms "
              f"(×{full / find:.1f})")  # fmt: skip

        unlimited = (
            select(Timer.due_at).where(col(Timer.case_id).not_in(frozenset())).order_by(col(Timer.due_at))
        )

        def next_unlimited() -> object:
            with Session(engine) as session:  # the same query without LIMIT 1 (as before 2026-12-02)
                return session.exec(unlimited).first()

        assert next_timer_at(rt) == next_unlimited()
        nxt, nxt_unlimited = timed(lambda: next_timer_at(rt), 20), timed(next_unlimited, 20)
        print(f"the next due instant (asked before every due-work step): {nxt * 1000:.2f} ms, without LIMIT 1 "
              f"{nxt_unlimited * 1000:.1f} ms (×{nxt_unlimited / nxt:.0f})")  # fmt: skip

        with Session(engine) as session:
            sample = list(session.exec(select(CaseRow).where(col(CaseRow.id) <= args.sample + original - 1)))
        start = time.perf_counter()
        for case in sample:
            with Session(engine) as session:
                rt.load_run(session, session.get(CaseRow, case.id)).view()  # type: ignore[arg-type]
        per_case = (time.perf_counter() - start) / len(sample)
        load_all = per_case * args.timers
        print(f"the old way, load every case and ask its timers: {per_case * 1000:.1f} ms a case "
              f"(sample of {len(sample)}), {load_all:.0f} s for {args.timers:,} (extrapolated)")  # fmt: skip

        start = time.perf_counter()
        done = fire_due_timers(rt, "bench")
        fire = time.perf_counter() - start
        assert len(done.moved) == args.due, (len(done.moved), done.blocked[:3], done.quarantined[:3])
        find_share = find / fire
        print(f"find + claim + fire the {args.due:,} due: {fire:.1f} s ({fire / args.due * 1000:.1f} ms a timer; "
              f"finding {find_share:.2%} of it)")  # fmt: skip
        print(f"ratios: index vs scan ×{full / find:.1f}; find + fire the due vs load all ×{load_all / fire:.1f}; "
              f"find vs load all ×{load_all / find:,.0f}")  # fmt: skip
        engine.dispose()


if __name__ == "__main__":
    main()
