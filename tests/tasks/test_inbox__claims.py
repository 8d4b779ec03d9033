"""The inbox: tasks by role and ownership, claim / unclaim, complete, return with a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from tests_support import application

from bpmn.clock import VirtualClock
from cases.commands import Actor, submit_task
from cases.human_tasks import IllegalTransition, Transition, apply
from cases.runtime import Runtime
from cli.catalogue_seed import seed_demo_catalogue
from domain.calendar import BusinessCalendar
from domain.policy import Policy
from store.catalogue import ensure_user
from store.tables import CaseRow
from tasks.inbox import claim, complete, open_tasks, return_with_reason, unclaim


@pytest.fixture
def rt(sqlite_db: Engine, clock: VirtualClock, calendar: BusinessCalendar) -> Runtime:
    runtime = Runtime(sqlite_db, clock, calendar, Policy())
    with Session(sqlite_db) as session:
        seed_demo_catalogue(session)
        for user, role in (
            ("jyjs", "applicant"),
            ("other", "applicant"),
            ("wang", "reviewer"),
            ("li", "reviewer"),
        ):
            ensure_user(session, user, role)
        session.commit()
    return runtime


def _apply(rt: Runtime, seed: str = "inbox") -> int:
    outcome = submit_task(
        rt,
        case_id=None,
        actor=Actor("jyjs", "applicant"),
        task_key="opening_application",
        data=application(seed),
    )
    assert outcome.ok and outcome.case_id is not None, outcome
    return outcome.case_id


def test_reviewers_see_the_first_review_with_working_days_left(rt: Runtime) -> None:
    case_id = _apply(rt)
    items = open_tasks(rt, "wang")
    assert [(i.case_id, i.task_key, i.role) for i in items] == [(case_id, "opening_first_review", "reviewer")]
    # due at the end of 03-08 (the day before the start); from Mon 03-02: 03-03 … 03-06 are 4 working days
    assert items[0].working_days_left == 4
    assert open_tasks(rt, "jyjs") == []
    assert open_tasks(rt, "other") == []


def test_a_claim_keeps_others_out_until_unclaimed(rt: Runtime) -> None:
    _apply(rt)
    task = open_tasks(rt, "wang")[0]
    assert claim(rt, "wang", task.task_id).ok
    assert open_tasks(rt, "li") == []
    refused = complete(rt, Actor("li", "reviewer"), task.task_id, {"decision": "approve"})
    assert not refused.ok and refused.errors[0].code.value == "forbidden"
    assert not unclaim(rt, "li", task.task_id).ok
    assert not claim(rt, "li", task.task_id).ok
    assert unclaim(rt, "wang", task.task_id).ok
    assert complete(rt, Actor("li", "reviewer"), task.task_id, {"decision": "approve", "comment": "ok"}).ok
    assert not claim(rt, "wang", task.task_id).ok  # completed: nothing to claim


def test_a_return_needs_a_reason_and_reaches_the_applicant(rt: Runtime) -> None:
    case_id = _apply(rt)
    task = open_tasks(rt, "wang")[0]
    empty = return_with_reason(rt, Actor("wang", "reviewer"), task.task_id, "  ")
    assert not empty.ok and empty.errors[0].field == "comment"
    assert return_with_reason(rt, Actor("wang", "reviewer"), task.task_id, "教学计划缺实操安排").ok
    with Session(rt.db) as session:
        case = session.get(CaseRow, case_id)
        assert case is not None and case.status == "returned"
    assert [i.task_key for i in open_tasks(rt, "jyjs")] == ["opening_application"]
    assert open_tasks(rt, "other") == []


def test_the_state_machine_refuses_illegal_moves(rt: Runtime) -> None:
    _apply(rt)
    from store.tables import HumanTask

    row = HumanTask(
        case_id=1, task_key="x", spec_id="x", role="reviewer", status="completed", created_at=rt.now()
    )
    with pytest.raises(IllegalTransition):
        apply(row, Transition.CLAIM, by="wang", at=rt.now())
