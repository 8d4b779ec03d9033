"""The human-task inbox: one page of a user's tasks, counts per tab, claim / unclaim, complete, return.

A page is one query ordered by ``ix_human_task_inbox`` (status, role, due_at, id): ownership of
applicant tasks and every filter are conditions in SQL, the tab counts one grouped query, and
working days left are computed for the rows of the page only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlmodel import Session, col, select

from cases import human_tasks
from cases.commands import Actor, Outcome, submit_task
from cases.human_tasks import IllegalTransition, TaskStatus, Transition
from cases.runtime import Runtime
from domain.calendar import SHANGHAI, CalendarMissing, end_of_day
from domain.errors import ErrorCode, Violation
from domain.vocab import Role
from store.catalogue import ensure_user
from store.tables import CaseRow, HumanTask

DUE_SOON_DAYS = 2  # a task due within this many working days carries the "due soon" badge
MAX_PER_PAGE = 100


class Tab(StrEnum):
    """Which of a user's tasks a page lists."""

    ALL = "all"  # claimed by me, and unclaimed in my roles
    MINE = "mine"  # claimed by me
    POOL = "pool"  # unclaimed, in my roles


class Due(StrEnum):
    """A filter on the deadline."""

    OVERDUE = "overdue"
    SOON = "soon"  # not overdue, due within DUE_SOON_DAYS working days


@dataclass(frozen=True, slots=True)
class InboxQuery:
    """What a user asks of their inbox: a tab, filters and the page."""

    tab: Tab = Tab.ALL
    stage: str | None = None  # a task key (opening_first_review …)
    institution: str | None = None
    occupation: str | None = None
    due: Due | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One line of a user's inbox."""

    task_id: int
    case_id: int
    case_label: str
    batch: str
    institution: str
    occupation: str
    task_key: str
    title: str
    role: str
    status: str
    assignee: str | None
    due_at: datetime | None
    working_days_left: int | None

    @property
    def overdue(self) -> bool:
        """The deadline has passed."""
        return self.working_days_left is not None and self.working_days_left < 0

    @property
    def due_soon(self) -> bool:
        """Due within DUE_SOON_DAYS working days (and not overdue)."""
        return self.working_days_left is not None and 0 <= self.working_days_left <= DUE_SOON_DAYS


@dataclass(frozen=True, slots=True)
class InboxPage:
    """One page of the inbox with the counts of every tab (under the same filters)."""

    items: tuple[InboxItem, ...]
    query: InboxQuery
    counts: Mapping[Tab, int]
    total: int  # rows of the query's tab

    @property
    def pages(self) -> int:
        """How many pages the tab has (at least one)."""
        return max(1, -(-self.total // self.query.per_page))


def _days_left(rt: Runtime, due: datetime | None) -> int | None:
    if due is None:
        return None
    try:
        return rt.calendar.working_days_between(rt.today(), due.astimezone(SHANGHAI).date())
    except CalendarMissing:
        return None


def _soon_cutoff(rt: Runtime) -> datetime:
    try:
        return end_of_day(rt.calendar.add_working_days(rt.today(), DUE_SOON_DAYS))
    except CalendarMissing:
        return end_of_day(rt.today())


def _conditions(rt: Runtime, username: str, roles: Sequence[str], query: InboxQuery) -> list[Any]:
    """Every condition but the tab's: roles, ownership, claims of others, filters."""
    task = HumanTask
    conds: list[Any] = [
        col(task.status).in_((TaskStatus.OPEN.value, TaskStatus.CLAIMED.value)),
        col(task.role).in_(list(roles)),
        or_(col(task.status) == TaskStatus.OPEN.value, col(task.assignee) == username),
    ]
    if Role.APPLICANT.value in roles:  # an applicant's tasks are on their own cases only
        conds.append(or_(col(task.role) != Role.APPLICANT.value, col(CaseRow.applicant) == username))
    if query.stage:
        conds.append(col(task.task_key) == query.stage)
    if query.institution:
        conds.append(col(CaseRow.institution) == query.institution)
    if query.occupation:
        conds.append(col(CaseRow.occupation) == query.occupation)
    if query.due is Due.OVERDUE:
        conds.append(col(task.due_at) < rt.now())
    elif query.due is Due.SOON:
        conds.append(and_(col(task.due_at) >= rt.now(), col(task.due_at) <= _soon_cutoff(rt)))
    return conds


def _tab_condition(tab: Tab, username: str) -> ColumnElement[bool] | None:
    if tab is Tab.MINE:
        return and_(col(HumanTask.status) == TaskStatus.CLAIMED.value, col(HumanTask.assignee) == username)
    if tab is Tab.POOL:
        return col(HumanTask.status) == TaskStatus.OPEN.value
    return None


def _needs_case(roles: Sequence[str], query: InboxQuery) -> bool:
    return Role.APPLICANT.value in roles or bool(query.institution or query.occupation)


def _counts(session: Session, username: str, conds: list[Any], join: bool) -> dict[Tab, int]:
    mine = case((col(HumanTask.status) == TaskStatus.CLAIMED.value, 1), else_=0)
    stmt = select(func.count(), func.coalesce(func.sum(mine), 0)).select_from(HumanTask)
    if join:
        stmt = stmt.join(CaseRow, col(CaseRow.id) == col(HumanTask.case_id))
    total, claimed = session.exec(stmt.where(*conds)).one()
    return {Tab.ALL: int(total), Tab.MINE: int(claimed), Tab.POOL: int(total) - int(claimed)}


def inbox_page(rt: Runtime, username: str, query: InboxQuery | None = None) -> InboxPage:
    """One page of the user's tasks, soonest due first (no deadline last), and the count of every tab."""
    query = query or InboxQuery()
    per_page = min(max(1, query.per_page), MAX_PER_PAGE)
    page = max(1, query.page)
    query = InboxQuery(query.tab, query.stage, query.institution, query.occupation, query.due, page, per_page)
    with rt.session() as session:
        user = ensure_user(session, username)
        roles = [r for r in user.roles if r != Role.PUBLIC.value]
        session.rollback()  # ensure_user may have created the row: the inbox writes nothing
        if not roles:
            return InboxPage((), query, dict.fromkeys(Tab, 0), 0)
        conds = _conditions(rt, username, roles, query)
        join = _needs_case(roles, query)
        counts = _counts(session, username, conds, join)
        tab = _tab_condition(query.tab, username)
        ids_stmt = select(col(HumanTask.id)).select_from(HumanTask)
        if join:
            ids_stmt = ids_stmt.join(CaseRow, col(CaseRow.id) == col(HumanTask.case_id))
        ids_stmt = (
            ids_stmt.where(*conds, *([tab] if tab is not None else []))
            .order_by(col(HumanTask.due_at).is_(None), col(HumanTask.due_at), col(HumanTask.id))
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        ids = list(session.exec(ids_stmt))
        rows = session.exec(
            select(HumanTask, CaseRow)
            .join(CaseRow, col(CaseRow.id) == col(HumanTask.case_id))
            .where(col(HumanTask.id).in_(ids))
        ).all()
    by_id = {task.id: (task, row) for task, row in rows}
    items = tuple(_item(rt, *by_id[i]) for i in ids if i in by_id)
    return InboxPage(items, query, counts, counts[query.tab])


def _item(rt: Runtime, task: HumanTask, row: CaseRow) -> InboxItem:
    assert task.id is not None and row.id is not None  # noqa: S101 - persisted rows
    return InboxItem(
        task.id, row.id, row.label, row.batch, row.institution, row.occupation, task.task_key, task.title,
        task.role, task.status, task.assignee, task.due_at, _days_left(rt, task.due_at),
    )  # fmt: skip


def open_tasks(rt: Runtime, username: str) -> list[InboxItem]:
    """The first page of every task the user may work on now (claimed by them, or open in their roles)."""
    return list(inbox_page(rt, username, InboxQuery(per_page=MAX_PER_PAGE)).items)


def task_item(rt: Runtime, task_id: int) -> InboxItem | None:
    """One task's inbox line, whatever its status (the task page's header)."""
    with rt.session() as session:
        found = session.exec(
            select(HumanTask, CaseRow)
            .join(CaseRow, col(CaseRow.id) == col(HumanTask.case_id))
            .where(col(HumanTask.id) == task_id)
        ).first()
    return _item(rt, *found) if found is not None else None


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
        if task.role == Role.APPLICANT.value:
            owner = session.get(CaseRow, task.case_id)
            if owner is None or owner.applicant != username:
                return _refused(ErrorCode.FORBIDDEN, "这不是您提交的案件，无权办理")
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


def complete(
    rt: Runtime, actor: Actor, task_id: int, data: Mapping[str, Any], *, case_version: int | None = None
) -> Outcome:
    """Complete an inbox task with its form (every check of submit_task applies).

    ``case_version``: the case's version the user saw; a case changed since is refused ``conflict``.
    """
    with rt.session() as session:
        task = session.get(HumanTask, task_id)
        if task is None or task.status not in (TaskStatus.OPEN.value, TaskStatus.CLAIMED.value):
            return _refused(ErrorCode.NO_SUCH_TASK, "该任务已由他人办结或已撤销，请回到待办列表查看最新情况")
        if task.status == TaskStatus.CLAIMED.value and task.assignee != actor.user:
            return _refused(ErrorCode.FORBIDDEN, f"该任务已由 {task.assignee} 认领")
        case_id, key = task.case_id, task.task_key
        row = session.get(CaseRow, case_id)
        if case_version is not None and (row is None or row.version != case_version):
            return _refused(
                ErrorCode.CONFLICT, "您打开页面后，该案件已被他人更新：请刷新页面，核对最新情况后再提交"
            )
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
