"""The flows' steps as plain functions on SQLite: alerts raised once, SLA reminders and escalations sent once,
claims that keep a parked case out of the next pass, the monthly report's figures."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select
from tests_support import application

from bpmn.clock import VirtualClock
from cases.commands import Actor, submit_task
from cases.runtime import Runtime
from cli.catalogue_seed import seed_demo_catalogue
from domain.calendar import SHANGHAI, BusinessCalendar, CalendarMissing
from domain.policy import Policy
from store.catalogue import ensure_user
from store.orchestration_tables import OperatorAlert, SlaReminder, WorkClaim
from store.outbox_tables import NotificationRow
from store.tables import HumanTask
from workflows import sweep
from workflows.alerts import TIMER_BLOCKED
from workflows.claims import PARKED, TIMERS
from workflows.reports import compute, previous_month, to_xlsx
from workflows.sla import ESCALATION, REMINDER, remind_and_escalate
from workflows.steps import fire_due_timers, has_due_work


def filed_case(engine: Engine, clock: VirtualClock) -> tuple[Runtime, int]:
    rt = Runtime(engine, clock, BusinessCalendar(), Policy())
    with Session(engine) as session:
        seed_demo_catalogue(session)
        for user, role in (
            ("jyjs", "applicant"),
            ("wang", "reviewer"),
            ("zhao", "approver"),
            ("root", "admin"),
        ):
            ensure_user(session, user, role)
        session.commit()
    filed = submit_task(
        rt, case_id=None, actor=Actor("jyjs", "applicant"), task_key="opening_application",
        data=application("steps", 3, batch="2026-焊工-S1", start_date="2026-03-16"),
    )  # fmt: skip
    assert filed.ok and filed.case_id is not None, filed
    return rt, filed.case_id


def notifications(engine: Engine, kind: str) -> list[NotificationRow]:
    with Session(engine) as session:
        return list(session.exec(select(NotificationRow).where(NotificationRow.kind == kind)))


def test_a_timer_that_cannot_fire_alerts_the_admins_once_and_is_parked(
    sqlite_db: Engine, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt, case_id = filed_case(sqlite_db, clock)
    tried: list[int] = []

    def no_calendar(_rt: Runtime, case: int) -> bool:
        tried.append(case)
        raise CalendarMissing(2027)

    monkeypatch.setattr(sweep, "fire_timers", no_calendar)  # the engine step needs a year without data
    clock.move_to(datetime(2026, 3, 20, 9, tzinfo=SHANGHAI))
    first = fire_due_timers(rt, "w1")
    assert first.blocked and first.blocked[0][0] == case_id and first.alerts == 1
    assert not has_due_work(rt, "w1")  # parked: the serving loop is not woken by it every second
    assert fire_due_timers(rt, "w1").alerts == 0 and tried == [case_id]
    clock.move_to(
        datetime(2026, 3, 20, 10, tzinfo=SHANGHAI)
    )  # the parking ran out: tried again, no new alert
    assert fire_due_timers(rt, "w2").alerts == 0 and tried == [case_id, case_id]
    with Session(sqlite_db) as session:
        alerts = session.exec(select(OperatorAlert)).all()
        claim = session.get(WorkClaim, (TIMERS, case_id))
    assert [(a.kind, a.case_id, a.notified) for a in alerts] == [(TIMER_BLOCKED, case_id, True)]
    assert claim is not None and claim.worker == PARKED
    to_admin = [n for n in notifications(sqlite_db, "escalation") if n.recipient == "root"]
    assert len(to_admin) == 1 and "2027" in to_admin[0].body


def test_a_due_timer_fires_once_and_the_work_is_gone(sqlite_db: Engine, clock: VirtualClock) -> None:
    rt, case_id = filed_case(sqlite_db, clock)
    assert not has_due_work(rt, "w1")
    clock.move_to(datetime(2026, 3, 20, 9, tzinfo=SHANGHAI))
    assert has_due_work(rt, "w1")
    assert fire_due_timers(rt, "w1").moved == [case_id]
    assert fire_due_timers(rt, "w2").moved == []
    assert not has_due_work(rt, "w1")


def test_a_reminder_comes_n_working_days_before_the_deadline_and_an_escalation_at_it_each_once(
    sqlite_db: Engine, clock: VirtualClock
) -> None:
    rt, case_id = filed_case(sqlite_db, clock)
    with Session(sqlite_db) as session:
        task = session.exec(
            select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "open")
        ).one()
    assert task.due_at is not None
    due_day = task.due_at.astimezone(SHANGHAI).date()
    remind_on = rt.calendar.sub_working_days(due_day, 2)
    assert remind_and_escalate(rt, 2) == {REMINDER: 0, ESCALATION: 0}
    clock.move_to(datetime.combine(remind_on, datetime.min.time(), SHANGHAI) - timedelta(minutes=1))
    assert remind_and_escalate(rt, 2) == {REMINDER: 0, ESCALATION: 0}  # the day before: not yet
    clock.move_to(datetime.combine(remind_on, datetime.min.time(), SHANGHAI) + timedelta(hours=9))
    assert remind_and_escalate(rt, 2) == {REMINDER: 1, ESCALATION: 0}
    assert remind_and_escalate(rt, 2) == {REMINDER: 0, ESCALATION: 0}
    clock.move_to(task.due_at + timedelta(minutes=1))
    assert remind_and_escalate(rt, 2) == {REMINDER: 0, ESCALATION: 1}
    assert remind_and_escalate(rt, 2) == {REMINDER: 0, ESCALATION: 0}
    with Session(sqlite_db) as session:
        kinds = sorted(r.kind for r in session.exec(select(SlaReminder)))
    assert kinds == [ESCALATION, REMINDER]
    assert [n.recipient for n in notifications(sqlite_db, "reminder")] == ["wang"]
    assert "zhao" in {n.recipient for n in notifications(sqlite_db, "escalation")}


def test_the_monthly_report_counts_the_month_by_institution_and_occupation(
    sqlite_db: Engine, clock: VirtualClock
) -> None:
    filed_case(sqlite_db, clock)
    assert previous_month(datetime(2026, 1, 3).date()) == "2025-12"
    with Session(sqlite_db) as session:
        march, april = compute(session, "2026-03"), compute(session, "2026-04")
    assert list(march.lines) == [("济源技师学院", "焊工")]
    assert (march.total().classes, march.total().trainees) == (1, 3)
    assert list(april.lines) == [
        ("济源技师学院", "焊工")
    ]  # the class ends in April: its certificates count there
    assert (april.total().classes, april.total().certified) == (0, 0)
    sheet = load_workbook(io.BytesIO(to_xlsx(march)))["月度进度"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=3)]
    assert rows == [("济源技师学院", "焊工", 1, 3, 0, 0, 0), ("合计", None, 1, 3, 0, 0, 0)]


def test_a_deadline_the_engine_s_sla_timer_already_escalated_is_not_escalated_again(
    sqlite_db: Engine, clock: VirtualClock
) -> None:
    rt, case_id = filed_case(sqlite_db, clock)
    with Session(sqlite_db) as session:
        task = session.exec(
            select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "open")
        ).one()
    assert task.due_at is not None
    clock.move_to(task.due_at + timedelta(seconds=5))
    assert fire_due_timers(rt, "w1").moved == [case_id]  # the SLA timer: breach recorded, escalation enqueued
    escalations = len(notifications(sqlite_db, "escalation"))
    assert escalations > 0
    assert remind_and_escalate(rt, 2) == {REMINDER: 0, ESCALATION: 0}
    assert len(notifications(sqlite_db, "escalation")) == escalations
