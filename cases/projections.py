"""Query projections kept in step with each command: human tasks, timers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from bpmn.engine import EngineView, PendingTimer, ReadyTask
from cases import human_tasks
from cases.human_tasks import Transition
from cases.runtime import Runtime
from domain import deadlines
from forms.task_definitions import Sla, definition
from store.tables import HumanTask, Notice, Timer
from store.writes import insert_rows


def _opening_review_due(rt: Runtime, start_date: date, figures: Mapping[str, Any]) -> datetime | None:
    """004 (三)1: the opening review ends before the class starts."""
    return deadlines.opening_review_due(start_date)


def _claim_review_due(rt: Runtime, start_date: date, figures: Mapping[str, Any]) -> datetime | None:
    """The claim review's working days from the claim date, once there is one."""
    if not figures.get("claim_date"):
        return None
    return deadlines.claim_review_due(date.fromisoformat(figures["claim_date"]), rt.policy, rt.calendar)


def _payment_due(rt: Runtime, start_date: date, figures: Mapping[str, Any]) -> datetime | None:
    """The payment's working days from the notice's end, once the notice has one."""
    if not figures.get("notice_end"):
        return None
    return deadlines.payment_due(date.fromisoformat(figures["notice_end"]), rt.policy, rt.calendar)


# The deadline of each SLA a task definition names (tests/engine/test_engine__completeness.py).
DUE: Mapping[Sla, Callable[[Runtime, date, Mapping[str, Any]], datetime | None]] = MappingProxyType({
    Sla.OPENING_REVIEW: _opening_review_due,
    Sla.CLAIM_REVIEW: _claim_review_due,
    Sla.PAYMENT: _payment_due,
})  # fmt: skip


def due_at(rt: Runtime, start_date: date, task_key: str, figures: Mapping[str, Any]) -> datetime | None:
    """The SLA deadline a human task works against, if it has one."""
    found = definition(task_key)
    if found is None or found.sla is None:
        return None
    return DUE[found.sla](rt, start_date, figures)


def _title(task: ReadyTask) -> str:
    """The task's title from its definition (the diagram's name for a task the registry lacks)."""
    found = definition(task.key)
    return found.title if found is not None else task.title


def _role(task: ReadyTask) -> str:
    """The role declared on the task; a deployment made before roles were declared: its definition's."""
    if task.role:
        return task.role
    found = definition(task.key)
    return found.role.value if found is not None else ""


def sync(
    rt: Runtime,
    session: Session,
    case_id: int,
    start_date: date,
    view: EngineView,
    figures: Mapping[str, Any],
    completed: str | None,
    actor: str | None,
    now: datetime,
    *,
    timers_before: tuple[PendingTimer, ...] | None = None,
    open_tasks: list[HumanTask] | None = None,
) -> None:
    """Bring the case's human_task and timer rows in line with what the engine waits for."""
    open_rows = open_tasks if open_tasks is not None else open_human_tasks(session, case_id)
    ready = {t.spec_id: t for t in view.ready}
    for row in open_rows:
        if row.spec_id in ready:
            del ready[row.spec_id]
            continue
        finished = Transition.COMPLETE if row.task_key == completed else Transition.WITHDRAW
        values = human_tasks.changes(row, finished, by=actor, at=now)
        session.connection().execute(_FINISH_TASK, {"task_id": row.id, **values})
        for column, value in values.items():  # the row now holds these: the object says so, unflushed
            set_committed_value(row, column, value)
    insert_rows(session, HumanTask, [
        {
            "case_id": case_id, "task_key": task.key, "spec_id": task.spec_id, "title": _title(task),
            "role": _role(task), "status": "open", "due_at": due_at(rt, start_date, task.key, figures),
            "created_at": now,
        }
        for task in ready.values()
    ])  # fmt: skip
    if timers_before == view.timers:
        return  # the timer rows already say this
    session.flush()
    session.connection().execute(_DELETE_TIMERS, {"case_id": case_id})
    insert_rows(session, Timer, [
        {"case_id": case_id, "spec_id": pending.spec_id, "due_at": pending.due} for pending in view.timers
    ])  # fmt: skip


_DELETE_TIMERS = delete(Timer).where(col(Timer.case_id) == bindparam("case_id"))  # built once
_TASKS = HumanTask.__table__  # type: ignore[attr-defined]
# the SET clause is the columns each call's parameters name (the transition's changes)
_FINISH_TASK = update(_TASKS).where(_TASKS.c.id == bindparam("task_id"))


def open_human_tasks(session: Session, case_id: int | None) -> list[HumanTask]:
    """The case's open and claimed human tasks."""
    return list(session.exec(_OPEN_TASKS, params={"case_id": case_id}))


_OPEN_TASKS = select(HumanTask).where(  # built once, run with the case's id
    HumanTask.case_id == bindparam("case_id"), col(HumanTask.status).in_(("open", "claimed"))
)


def last_completed_by(session: Session, case_id: int | None, task_key: str) -> str | None:
    """Who completed the latest ``task_key`` of the case (for four-eyes)."""
    stmt = (
        select(HumanTask.completed_by)
        .where(HumanTask.case_id == case_id, HumanTask.task_key == task_key, HumanTask.status == "completed")
        .order_by(col(HumanTask.completed_at).desc(), col(HumanTask.id).desc())
    )
    return session.exec(stmt).first()


def latest_notice(session: Session, case_id: int) -> Notice | None:
    """The case's latest public notice."""
    stmt = select(Notice).where(Notice.case_id == case_id).order_by(col(Notice.id).desc())
    return session.exec(stmt).first()
