"""SLA reminders and escalations of human tasks: which are due (a query), each recorded and sent once.

A reminder goes to whoever must do a task ``sla_reminder_working_days`` working days before its
deadline; at the deadline the approvers hear of a task still open (unless the engine's own SLA
timer already recorded the breach on the case and escalated it). The ``sla_reminder`` row, written
in the same transaction as the outbox message, makes each one happen once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from cases.human_tasks import TaskStatus
from cases.runtime import Runtime
from domain.calendar import CalendarMissing, local_date
from notifications.outbox import ESCALATE_TO, CaseFacts, Message, TaskFacts, escalation
from store.orchestration_tables import SlaReminder
from store.outbox import enqueue, enqueue_reminder
from store.tables import CaseRow, HumanTask, SlaBreach

REMINDER = "reminder"
ESCALATION = "escalation"
OPEN = (TaskStatus.OPEN.value, TaskStatus.CLAIMED.value)
# Working days never stretch to more than three calendar weeks per week of them (holidays included).
_HORIZON_PER_DAY = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """A reminder or escalation to send: the task, its case and deadline."""

    kind: str
    human_task_id: int
    case_id: int
    due_at: datetime


def due_reminders(rt: Runtime, now: datetime, working_days: int) -> list[ReminderDue]:
    """Reminders and escalations due at ``now`` and not yet sent, read from the human-task index."""
    horizon = now + _HORIZON_PER_DAY * working_days + timedelta(days=10)
    sent = select(SlaReminder.human_task_id).where(SlaReminder.kind == REMINDER)
    escalated = select(SlaReminder.human_task_id).where(SlaReminder.kind == ESCALATION)
    with rt.session() as session:
        soon = session.exec(
            select(HumanTask.id, HumanTask.case_id, HumanTask.due_at).where(
                col(HumanTask.status).in_(OPEN),
                col(HumanTask.due_at).is_not(None),
                col(HumanTask.due_at) > now,
                col(HumanTask.due_at) <= horizon,
                col(HumanTask.id).not_in(sent),
            )
        ).all()
        late = session.exec(
            select(HumanTask.id, HumanTask.case_id, HumanTask.due_at).where(
                col(HumanTask.status).in_(OPEN),
                col(HumanTask.due_at) <= now,
                col(HumanTask.id).not_in(escalated),
            )
        ).all()
        breached = {
            (case_id, due) for case_id, due in session.exec(
                select(SlaBreach.case_id, SlaBreach.due).where(
                    col(SlaBreach.case_id).in_({case_id for _, case_id, _ in late})
                )
            )
        }  # fmt: skip
    out: list[ReminderDue] = []
    today = local_date(now)
    for task_id, case_id, due_at in soon:
        if task_id is None or due_at is None:
            continue
        try:
            remind_on = rt.calendar.sub_working_days(local_date(due_at), working_days)
        except CalendarMissing:
            continue  # no calendar data for that year: no guess (the timer sweep alerts the operator)
        if today >= remind_on:
            out.append(ReminderDue(REMINDER, task_id, case_id, due_at))
    for task_id, case_id, due_at in late:
        if task_id is not None and due_at is not None and (case_id, due_at) not in breached:
            out.append(ReminderDue(ESCALATION, task_id, case_id, due_at))
    return sorted(out, key=lambda r: (r.due_at, r.human_task_id, r.kind))


def send_reminder(rt: Runtime, due: ReminderDue) -> bool:
    """Record and enqueue one reminder or escalation; False when it was already sent (by anyone)."""
    with rt.session() as session:
        task = session.get(HumanTask, due.human_task_id)
        case = session.get(CaseRow, due.case_id)
        if task is None or case is None or task.status not in OPEN:
            return False
        session.add(
            SlaReminder(
                human_task_id=due.human_task_id, case_id=due.case_id, kind=due.kind, due_at=due.due_at,
                sent_at=rt.now(),
            )
        )  # fmt: skip
        try:
            session.flush()
        except IntegrityError:  # sent meanwhile by another worker
            session.rollback()
            return False
        if due.kind == REMINDER:
            enqueue_reminder(session, case, task, rt.now())
        else:
            facts = CaseFacts(due.case_id, case.label, case.institution, case.applicant)
            task_facts = TaskFacts(task.task_key, task.title, task.role, task.due_at)
            enqueue(session, _escalations(facts, task_facts, due.due_at), rt.now())
        session.commit()
    return True


def _escalations(case: CaseFacts, task: TaskFacts, due: datetime) -> list[Message]:
    """The approvers hear of an open task past its deadline (004: 逾期未办结的，报告负责人)."""
    messages = escalation(case, task.key, due, (task,))
    return [m for m in messages if m.to.role in ESCALATE_TO]


def remind_and_escalate(rt: Runtime, working_days: int) -> dict[str, int]:
    """The escalate_sla step: every due reminder and escalation, once; counts of each sent."""
    sent = {REMINDER: 0, ESCALATION: 0}
    for due in due_reminders(rt, rt.now(), working_days):
        if send_reminder(rt, due):
            sent[due.kind] += 1
    return sent
