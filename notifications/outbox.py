"""What to send for a case's step: pure functions from the event and the tasks that became ready to messages.

No I/O: the store resolves each message's recipient (a role's users, or one user) to the channels
they chose and writes the rows in the step's own transaction (store/outbox.py). Each message has a
key that makes enqueuing it twice a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.calendar import SHANGHAI
from domain.money import format_yuan
from domain.vocab import Role
from notifications.templates import Kind, Rendered, render

RETURN_DECISIONS = frozenset({"return", "upheld_return"})  # review tasks / the objection investigation
RETURNED_WHAT = {"opening_application": "开班申请", "subsidy_claim": "补贴申领"}
SLA_NAMES = {"opening_review": "开班审核", "claim_review": "申领审核", "payment": "资金拨付"}
ESCALATE_TO = (Role.APPROVER.value,)  # 人社审核: the bureau's responsible reviewer hears of every breach
PAID_EVENT = "message:payment_confirmed"
NO_REASON = "（审核人未写明原因，请联系经办人）"


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """A human task as a message needs it."""

    key: str
    title: str
    role: str
    due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """The case as a message may name it: label, institution, applicant's user (no personal data)."""

    case_id: int
    label: str
    institution: str
    applicant: str


@dataclass(frozen=True, slots=True)
class StepFacts:
    """One committed step of a case: the event and what it left waiting."""

    case: CaseFacts
    seq: int  # the event's sequence number: the messages' keys
    event_type: str
    completed: str | None
    payload: Mapping[str, Any]
    ran: tuple[str, ...]
    sla_fired: tuple[tuple[str, datetime], ...]  # (rule, due) of each SLA timer that fired
    figures: Mapping[str, Any]
    newly_ready: tuple[TaskFacts, ...]
    ready: tuple[TaskFacts, ...]  # every task the case waits for after the step


@dataclass(frozen=True, slots=True)
class Recipient:
    """A user by name, or every user holding a role."""

    user: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """A rendered message for a recipient, with the key that makes enqueuing it idempotent."""

    kind: Kind
    to: Recipient
    key: str
    case_id: int | None
    rendered: Rendered = field(repr=False)


def shown_day(instant: datetime | None) -> str:
    """A deadline or instant as a date in Beijing time (2026年5月8日), or 无."""
    if instant is None:
        return "无"
    day = instant.astimezone(SHANGHAI).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _shown_date(text: object) -> str:
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return "（待定）"
    return f"{day.year}年{day.month}月{day.day}日"


def _case_context(case: CaseFacts) -> dict[str, object]:
    return {"case_label": case.label, "institution": case.institution}


def _to(task: TaskFacts, case: CaseFacts) -> Recipient:
    """Applicant tasks go to the case's own applicant; every other task to the users of its role."""
    return Recipient(user=case.applicant) if task.role == Role.APPLICANT.value else Recipient(role=task.role)


def _returned(step: StepFacts) -> TaskFacts | None:
    """The applicant task that a review's ``return`` (or an upheld objection) just reopened, if any."""
    form = step.payload.get("form")
    decision = form.get("decision") if isinstance(form, Mapping) else None
    if step.event_type != "task_completed" or decision not in RETURN_DECISIONS:
        return None
    return next((t for t in step.newly_ready if t.key in RETURNED_WHAT), None)


def messages_for_step(step: StepFacts) -> list[Message]:
    """Every message a committed step causes: tasks assigned, a return, an escalation, the notice, the payment."""
    case, stem = step.case, f"case-{step.case.case_id}-{step.seq}"
    messages: list[Message] = []
    returned = _returned(step)
    if returned is not None:
        form = step.payload.get("form") or {}
        reason = str(form.get("comment") or "").strip() or NO_REASON
        context = {**_case_context(case), "returned_what": RETURNED_WHAT[returned.key], "reason": reason}
        messages.append(_message(Kind.RETURNED, _to(returned, case), f"{stem}-returned", case, context))
    for task in step.newly_ready:
        if task is returned:
            continue  # the return message tells the applicant what to do
        context = {**_case_context(case), "task_title": task.title, "due": shown_day(task.due_at)}
        messages.append(
            _message(Kind.TASK_ASSIGNED, _to(task, case), f"{stem}-assigned-{task.key}", case, context)
        )
    for rule, due in step.sla_fired:
        messages.extend(escalation(case, rule, due, step.ready))
    if "publish_notice" in step.ran:
        context = {
            **_case_context(case), "notice_start": _shown_date(step.figures.get("notice_start")),
            "notice_end": _shown_date(step.figures.get("notice_end")),
            "amount": format_yuan(int(step.figures.get("amount_fen") or 0)),
        }  # fmt: skip
        messages.append(
            _message(Kind.NOTICE_PUBLISHED, Recipient(user=case.applicant), f"{stem}-notice", case, context)
        )
    if step.event_type == PAID_EVENT:
        confirmation = step.payload.get("payload") or {}
        paid_at = confirmation.get("paid_at")
        context = {
            **_case_context(case),
            "amount": format_yuan(int(confirmation.get("amount_fen") or step.figures.get("amount_fen") or 0)),
            "paid_on": shown_day(datetime.fromisoformat(paid_at)) if isinstance(paid_at, str) else "近日",
        }
        messages.append(
            _message(Kind.PAID, Recipient(user=case.applicant), f"case-{case.case_id}-paid", case, context)
        )
    return messages


def escalation(case: CaseFacts, rule: str, due: datetime, ready: tuple[TaskFacts, ...]) -> list[Message]:
    """An SLA breach: to the approvers and to the roles whose tasks are still waiting."""
    waiting = [t for t in ready if t.role != Role.APPLICANT.value]
    context = {
        **_case_context(case), "sla_name": SLA_NAMES.get(rule, rule), "due": shown_day(due),
        "open_tasks": "、".join(t.title for t in waiting) or "无",
    }  # fmt: skip
    roles = dict.fromkeys([*ESCALATE_TO, *(t.role for t in waiting)])
    key = f"case-{case.case_id}-escalation-{rule}-{due.isoformat()}"
    return [_message(Kind.ESCALATION, Recipient(role=role), f"{key}-{role}", case, context) for role in roles]


def reminder(case: CaseFacts, task: TaskFacts, task_id: int) -> Message:
    """A reminder before a task's deadline (the SLA flow decides when), once per task and deadline."""
    context = {**_case_context(case), "task_title": task.title, "due": shown_day(task.due_at)}
    due = task.due_at.isoformat() if task.due_at is not None else "none"
    return _message(Kind.REMINDER, _to(task, case), f"task-{task_id}-reminder-{due}", case, context)


def _message(kind: Kind, to: Recipient, key: str, case: CaseFacts, context: Mapping[str, object]) -> Message:
    return Message(kind, to, key, case.case_id, render(kind, context))
