"""Two submits on one case race to the same version: exactly one wins, the other is refused `conflict`
(scenario contract error code) and leaves nothing behind, on PostgreSQL and on an SQLite file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from tests_support import application

import cases.commands
from bpmn.clock import VirtualClock
from cases.commands import Actor, Outcome, submit_task
from cases.runtime import Runtime
from cli.catalogue_seed import seed_demo_catalogue
from domain.calendar import SHANGHAI, BusinessCalendar
from domain.policy import Policy
from store.catalogue import ensure_user
from store.db import create_schema, make_engine
from store.tables import CaseEvent, CaseRow, HumanTask


@pytest.fixture
def sqlite_file_db(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'race.db'}")
    create_schema(engine)
    yield engine
    engine.dispose()


def _filed_case(rt: Runtime, db: Engine) -> int:
    with Session(db) as session:
        seed_demo_catalogue(session)
        ensure_user(session, "jyjs", "applicant")
        for user in ("wang", "zhou"):
            ensure_user(session, user, "reviewer")
        session.commit()
    created = submit_task(
        rt, case_id=None, actor=Actor("jyjs", "applicant"), task_key="opening_application",
        data=application("conflict", 5, start_date="2026-03-16", batch="2026-焊工-11"),
    )  # fmt: skip
    assert created.ok and created.case_id is not None, created
    return created.case_id


def _race(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    rt = Runtime(db, VirtualClock(datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)), BusinessCalendar(), Policy())
    case_id = _filed_case(rt, db)
    with Session(db) as session:
        before = session.get(CaseRow, case_id)
        assert before is not None
        version = before.version

    # Both reviewers have read the case at the same version before either writes: a true race.
    barrier = threading.Barrier(2, timeout=30)
    real_commit_step = cases.commands.commit_step

    def commit_step_after_both_read(*args: Any, **kwargs: Any) -> None:
        barrier.wait()
        real_commit_step(*args, **kwargs)

    monkeypatch.setattr(cases.commands, "commit_step", commit_step_after_both_read)
    results: list[Outcome | BaseException] = []

    def review(user: str) -> None:
        try:
            results.append(
                submit_task(
                    rt,
                    case_id=case_id,
                    actor=Actor(user, "reviewer"),
                    task_key="opening_first_review",
                    data={"decision": "approve", "comment": user},
                )  # fmt: skip
            )
        except BaseException as crash:  # noqa: BLE001 - a crash is what this test must not see
            results.append(crash)

    threads = [threading.Thread(target=review, args=(u,)) for u in ("wang", "zhou")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer hung"

    assert all(isinstance(r, Outcome) for r in results), results
    outcomes = [r for r in results if isinstance(r, Outcome)]
    assert sorted(r.ok for r in outcomes) == [False, True], outcomes
    loser = next(r for r in outcomes if not r.ok)
    assert [e.code.value for e in loser.errors] == ["conflict"]
    assert loser.case_id == case_id and "刷新后重试" in loser.errors[0].message
    with Session(db) as session:
        case = session.get(CaseRow, case_id)
        assert case is not None and case.version == version + 1 and case.status == "opening_review"
        events = session.exec(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
        ).one()
        assert events == case.event_seq  # one first review recorded, nothing of the loser's
        done = session.exec(
            select(HumanTask).where(
                HumanTask.case_id == case_id, HumanTask.task_key == "opening_first_review"
            )
        ).all()
        assert [t.status for t in done] == ["completed"]


@pytest.mark.postgres
def test_the_loser_of_a_race_on_postgres_is_refused_conflict(
    postgres_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _race(postgres_db, monkeypatch)


def test_the_loser_of_a_race_on_sqlite_is_refused_conflict(
    sqlite_file_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _race(sqlite_file_db, monkeypatch)
