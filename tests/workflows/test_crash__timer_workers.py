"""Two timer workers on one PostgreSQL database: every due timer fires exactly once; a killed worker's claims
are taken over by the other once their lease runs out. Real processes (``python -m workflows.worker timers``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from tests_support import application, postgres_url

from bpmn.clock import VirtualClock
from cases.commands import Actor, submit_task
from cases.runtime import Runtime
from cli.catalogue_seed import seed_demo_catalogue
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from store.catalogue import ensure_user
from store.tables import CaseEvent, Timer

ROOT = Path(__file__).resolve().parents[2]
CASES = 24
TIMEOUT = 120


def file_cases(engine: Engine, count: int) -> list[int]:
    """``count`` opening applications filed in March 2026: each waits on its opening-review SLA timer (due now)."""
    rt = Runtime(engine, VirtualClock(datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)), BusinessCalendar(), Policy())
    with Session(engine) as session:
        seed_demo_catalogue(session)
        ensure_user(session, "jyjs", "applicant")
        session.commit()
    ids = []
    for i in range(count):
        for seed in range(5):  # generated trainees are sometimes too old on the opening day: another seed
            filed = submit_task(
                rt, case_id=None, actor=Actor("jyjs", "applicant"), task_key="opening_application",
                data=application(f"workers-{i}-{seed}", 3, batch=f"2026-焊工-W{i:02d}", start_date="2026-03-16"),
            )  # fmt: skip
            if filed.ok:
                break
        assert filed.ok and filed.case_id is not None, filed
        ids.append(filed.case_id)
    return ids


def start_worker(name: str, *args: str, crash_at: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "SUBSIDYFLOW_DATABASE_URL": postgres_url(), "SUBSIDYFLOW_WORKER": name}
    env.pop("SUBSIDYFLOW_CRASH_AT", None)
    if crash_at:
        env["SUBSIDYFLOW_CRASH_AT"] = crash_at
    return subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "workflows.worker", "timers", *args], env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(process: subprocess.Popen[str]) -> tuple[int, list[dict[str, Any]]]:
    out, err = process.communicate(timeout=TIMEOUT)
    rounds = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert process.returncode in (0, -signal.SIGKILL), err[-2000:]
    return process.returncode, rounds


def fired(engine: Engine) -> Counter[int]:
    """How many times each case's opening-review SLA timer fired (timers_fired events naming it)."""
    counts: Counter[int] = Counter()
    with Session(engine) as session:
        for event in session.exec(select(CaseEvent).where(CaseEvent.type == "timers_fired")):
            counts[event.case_id] += sum(
                1 for t in event.payload["fired"] if t.get("timer") == "sla_opening_review"
            )
    return counts


def moved(rounds: list[dict[str, Any]]) -> list[int]:
    return [case_id for r in rounds for case_id in r["moved"]]


@pytest.mark.postgres
def test_two_workers_fire_every_due_timer_exactly_once(postgres_db: Engine) -> None:
    cases = file_cases(postgres_db, CASES)
    workers = [start_worker(name, "--batch", "2") for name in ("worker-a", "worker-b")]
    (_, a), (_, b) = (finish(w) for w in workers)
    assert sorted(moved(a) + moved(b)) == sorted(cases)  # each case moved by exactly one of them
    assert fired(postgres_db) == Counter(dict.fromkeys(cases, 1))
    with Session(postgres_db) as session:
        assert session.exec(select(Timer)).all() == []


@pytest.mark.postgres
def test_a_killed_worker_s_claims_are_taken_over_by_the_other(postgres_db: Engine) -> None:
    cases = file_cases(postgres_db, CASES)
    # worker-a fires its first batch of 4, claims the next 4, and dies holding them (lease 3 s)
    code, a = finish(start_worker("worker-a", "--batch", "4", "--lease", "3", crash_at="timers_claimed"))
    assert code == -signal.SIGKILL and a == []  # killed before it could print its round
    assert sum(fired(postgres_db).values()) == 4
    # worker-b does the rest, and the dead worker's 4 once their lease ran out
    code, b = finish(start_worker("worker-b", "--batch", "4", "--rounds", "6", "--every", "1"))
    assert code == 0
    assert len(moved(b)) == CASES - 4
    assert fired(postgres_db) == Counter(dict.fromkeys(cases, 1))
    with Session(postgres_db) as session:
        assert session.exec(select(Timer)).all() == []
