"""The reviewer's inbox: open tasks by role and lane, claim / unclaim, complete, return with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from cases import human_tasks
from cases.commands import Actor, Outcome, submit_task
from cases.human_tasks import IllegalTransition, TaskStatus, Transition
from cases.runtime import Runtime
from domain.calendar import SHANGHAI, CalendarMissing
from domain.errors import ErrorCode, Violation
from domain.vocab import Role
from store.catalogue import ensure_user
from store.tables import CaseRow, HumanTask


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One line of a user's inbox."""

    task_id: int
    case_id: int
    case_label: str
    batch: str
    institution: str
    task_key: str
    title: str
    role: str
    status: str
    assignee: str | None
    due_at: datetime | None
    working_days_left: int | None


def _days_left(rt: Runtime, due: datetime | None) -> int | None:
    if due is None:
        return None
    try:
        return rt.calendar.working_days_between(rt.today(), due.astimezone(SHANGHAI).date())
    except CalendarMissing:
        return None


def open_tasks(rt: Runtime, username: str) -> list[InboxItem]:
    """Tasks the user may work on now, by their roles (applicants: their own cases), soonest due first."""
    with rt.session() as session:
        user = ensure_user(session, username)
        stmt = (
            select(HumanTask, CaseRow)
            .join(CaseRow, col(CaseRow.id) == col(HumanTask.case_id))
            .where(col(HumanTask.status).in_((TaskStatus.OPEN.value, TaskStatus.CLAIMED.value)))
            .where(col(HumanTask.role).in_(user.roles))
        )
        items = []
        for task, case in session.exec(stmt):
            if task.role == Role.APPLICANT.value and case.applicant != username:
                continue
            if task.status == TaskStatus.CLAIMED.value and task.assignee != username:
                continue
            assert task.id is not None and case.id is not None  # noqa: S101 - persisted rows
            items.append(
                InboxItem(
                    task.id, case.id, case.label, case.batch, case.institution, task.task_key, task.title,
                    task.role, task.status, task.assignee, task.due_at, _days_left(rt, task.due_at),
                )
            )  # fmt: skip
        session.rollback()
    far = datetime.max.replace(tzinfo=SHANGHAI)
    return sorted(items, key=lambda i: (i.due_at or far, i.task_id))


def _refused(code: ErrorCode, message: str) -> Outcome:
    return Outcome(False, None, (Violation(code, None, message),))


def _move(rt: Runtime, username: str, task_id: int, transition: Transition) -> Outcome:
    with rt.session() as session:
        user = ensure_user(session, username)
        task = session.get(HumanTask, task_id)
        if task is None:
            return _refused(ErrorCode.NO_SUCH_TASK, "没有这个任务")
        if task.role not in user.roles:
            return _refused(ErrorCode.FORBIDDEN, f"该任务须由 {task.role} 角色办理")
        if transition is Transition.UNCLAIM and task.assignee != username:
            return _refused(ErrorCode.FORBIDDEN, "只能退回自己认领的任务")
        try:
            human_tasks.apply(task, transition, by=username, at=rt.now())
        except IllegalTransition as illegal:
            return _refused(ErrorCode.NO_SUCH_TASK, str(illegal))
        session.add(task)
        session.commit()
        return Outcome(True, task.case_id)


def claim(rt: Runtime, username: str, task_id: int) -> Outcome:
    """Take an open task so that nobody else works on it."""
    return _move(rt, username, task_id, Transition.CLAIM)


def unclaim(rt: Runtime, username: str, task_id: int) -> Outcome:
    """Give a claimed task back to the pool."""
    return _move(rt, username, task_id, Transition.UNCLAIM)


def complete(rt: Runtime, actor: Actor, task_id: int, data: Mapping[str, Any]) -> Outcome:
    """Complete an inbox task with its form (every check of submit_task applies)."""
    with rt.session() as session:
        task = session.get(HumanTask, task_id)
        if task is None or task.status not in (TaskStatus.OPEN.value, TaskStatus.CLAIMED.value):
            return _refused(ErrorCode.NO_SUCH_TASK, "该任务已办结或不存在")
        if task.status == TaskStatus.CLAIMED.value and task.assignee != actor.user:
            return _refused(ErrorCode.FORBIDDEN, f"该任务已由 {task.assignee} 认领")
        case_id, key = task.case_id, task.task_key
    return submit_task(rt, case_id=case_id, actor=actor, task_key=key, data=data)


def return_with_reason(rt: Runtime, actor: Actor, task_id: int, reason: str) -> Outcome:
    """Send the application or claim back to the applicant; the reason tells them what to correct."""
    if not reason.strip():
        return Outcome(
            False,
            None,
            (Violation(ErrorCode.INVALID_FIELD, "comment", "退回须写明原因，告诉申请人需要补正什么"),),
        )
    return complete(rt, actor, task_id, {"decision": "return", "comment": reason.strip()})
