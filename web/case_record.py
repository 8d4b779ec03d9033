"""What the case page shows: who may see it, its timeline, SLA stages, roster (masked by role) and figures.

Personal data: ID numbers and phones are shown whole only to the roles that check them and to the
applicant who filed the case; everyone else sees ``4101**********1234`` and ``138****0001``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from cases.personal_data import ERASED
from cases.runtime import Runtime
from domain.calendar import SHANGHAI, CalendarMissing
from domain.money import format_wanyuan, format_yuan
from domain.vocab import Role
from forms.task_definitions import CASE_STATUSES, TASKS, definition
from store.tables import CaseEvent, CaseRow, HumanTask, RosterEntry
from web.session import User

TITLES = {t.id: t.title for t in TASKS}
STAFF = frozenset(r.value for r in Role) - {Role.APPLICANT.value, Role.PUBLIC.value}
# The roles whose work needs the trainees' ID numbers and phones (real-name checks, audit).
SEES_PERSONAL = frozenset({"reviewer", "rechecker", "approver", "inspector", "auditor"})
DECISIONS = {"approve": "通过", "return": "退回修改", "reject": "不予通过", "dismissed": "异议不成立",
             "upheld_return": "异议成立，退回重新申领", "upheld_reject": "异议成立，不予拨付"}  # fmt: skip
_EVENTS = {
    "case_created": "案件创建", "timers_fired": "时限到期（系统）", "message:objection": "收到公示异议",
    "message:fraud": "认定骗补，案件终止", "message:payment_confirmed": "银行确认到账",
    "objection_joined": "异议并入核查", "fraud_recovery_started": "启动骗补资金追回",
}  # fmt: skip
_SHOWN = {"actual_count": "实到人数", "attendance": "抽查在岗人数", "claimed_count": "申领人数",
          "certified_total": "取证总人数", "fund_source": "资金来源", "date": "日期"}  # fmt: skip
_FIGURES = {"opening_count": "开班人数", "attendance_base": "出勤基数", "certified": "取证人数",
            "eligible": "补贴人数"}  # fmt: skip
_MONEY = {"amount_fen": "补贴金额", "base_fen": "基础补贴", "performance_fen": "绩效补贴"}
_ID_KEEP = 4
_PHONE_HEAD, _PHONE_TAIL = 3, 4


def may_see(user: User, case: CaseRow) -> bool:
    """Applicants their own cases, every staff role all of them; nobody else."""
    if STAFF & set(user.roles):
        return True
    return user.holds(Role.APPLICANT.value) and case.applicant == user.username


def sees_personal(user: User, case: CaseRow) -> bool:
    """Whether the user sees ID numbers and phones whole (their role needs them, or it is their case)."""
    return bool(SEES_PERSONAL & set(user.roles)) or case.applicant == user.username


def mask_id_number(number: str) -> str:
    """4101**********1234: the area's first four digits and the last four."""
    if len(number) <= 2 * _ID_KEEP:
        return "*" * len(number)
    return number[:_ID_KEEP] + "*" * (len(number) - 2 * _ID_KEEP) + number[-_ID_KEEP:]


def mask_phone(phone: str) -> str:
    """138****0001."""
    if len(phone) <= _PHONE_HEAD + _PHONE_TAIL:
        return "*" * len(phone)
    return phone[:_PHONE_HEAD] + "*" * (len(phone) - _PHONE_HEAD - _PHONE_TAIL) + phone[-_PHONE_TAIL:]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event of the case: what, who (in which role), when, and what was decided or counted."""

    seq: int
    title: str
    actor: str | None
    role: str
    at: datetime
    decision: str | None
    comment: str
    figures: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class SlaStage:
    """A task working against a deadline: working days used against the days allowed."""

    title: str
    started: datetime
    due: datetime
    finished: datetime | None
    used: int | None
    allowed: int | None

    @property
    def breached(self) -> bool:
        """Finished after (or still open past) the deadline."""
        return self.used is not None and self.allowed is not None and self.used > self.allowed


@dataclass(frozen=True, slots=True)
class Trainee:
    """A roster line as this user may see it."""

    position: int
    name: str
    id_number: str
    phone: str
    group: str


def _entry(event: CaseEvent) -> TimelineEntry:
    payload: dict[str, Any] = event.payload
    at = event.at.astimezone(SHANGHAI)
    if event.type == "task_completed":
        key = str(payload.get("task", ""))
        form = payload.get("form") or {}
        decision = form.get("decision")
        figures = tuple((label, str(form[k])) for k, label in _SHOWN.items() if k in form)
        return TimelineEntry(
            event.seq, TITLES.get(key, key), event.actor, str(payload.get("role", "")), at,
            DECISIONS.get(str(decision), str(decision)) if decision else None,
            str(form.get("comment") or ""), figures,
        )  # fmt: skip
    title = _EVENTS.get(event.type, event.type)
    text = (
        payload.get("payload", {}).get("text") if event.type == "message:objection" else payload.get("text")
    )
    return TimelineEntry(event.seq, title, event.actor, "", at, None, str(text or ""), ())


def timeline(session: Session, case_id: int) -> list[TimelineEntry]:
    """Every event of the case in order."""
    events = session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq)))
    return [_entry(e) for e in events]


def sla_stages(rt: Runtime, session: Session, case_id: int) -> list[SlaStage]:
    """The case's tasks with a working-day deadline: days used (to completion or today) against allowed."""
    tasks = session.exec(
        select(HumanTask)
        .where(HumanTask.case_id == case_id, col(HumanTask.due_at).is_not(None))
        .order_by(col(HumanTask.created_at), col(HumanTask.id))
    )
    stages: list[SlaStage] = []
    for task in tasks:
        found = definition(task.task_key)
        if found is None or found.sla is None or task.due_at is None or task.status == "cancelled":
            continue
        start = task.created_at.astimezone(SHANGHAI).date()
        end = (task.completed_at or rt.now()).astimezone(SHANGHAI).date()
        used: int | None
        allowed: int | None
        try:
            used = rt.calendar.working_days_between(start, end)
            allowed = rt.calendar.working_days_between(start, task.due_at.astimezone(SHANGHAI).date())
        except CalendarMissing:
            used = allowed = None
        stages.append(
            SlaStage(
                TITLES.get(task.task_key, task.task_key),
                task.created_at,
                task.due_at,
                task.completed_at,
                used,
                allowed,
            )  # fmt: skip
        )
    return stages


def roster(session: Session, case: CaseRow, user: User) -> list[Trainee]:
    """The case's roster, ID numbers and phones masked unless the user may see them."""
    whole = sees_personal(user, case)
    rows = session.exec(
        select(RosterEntry).where(RosterEntry.case_id == case.id).order_by(col(RosterEntry.position))
    )
    return [
        Trainee(
            r.position + 1,
            r.name,
            r.id_number if whole or r.id_number == ERASED else mask_id_number(r.id_number),
            r.phone if whole or r.phone == ERASED else mask_phone(r.phone),
            r.group,
        )  # fmt: skip
        for r in rows
    ]


def figures(case: CaseRow) -> list[tuple[str, str]]:
    """The case's key counts and amounts (元 and 万元) known so far."""
    known = case.figures
    shown = [(label, f"{known[k]} 人") for k, label in _FIGURES.items() if known.get(k) is not None]
    for key, label in _MONEY.items():
        if isinstance(known.get(key), int):
            shown.append((label, f"{format_yuan(known[key])}（{format_wanyuan(known[key])}）"))
    if known.get("notice_start"):
        shown.append(("公示期", f"{known['notice_start']} 至 {known.get('notice_end', '')}"))
    return shown


def status_label(status: str) -> str:
    """The Chinese name of a case status."""
    return CASE_STATUSES.get(status, status)
