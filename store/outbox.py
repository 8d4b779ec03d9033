"""The notification outbox: messages written with the event that causes them, claimed and settled by dispatch.

``enqueue_for_step`` runs inside a case command's transaction (cases/step.py), so a refused or
failed command enqueues nothing. A dispatcher claims a row with a guarded UPDATE (only a due
pending row, or a claim whose lease ran out, is taken): two dispatchers never send one row twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from bpmn.engine import EngineView, ReadyTask, StepReport
from forms.task_definitions import definition
from notifications.channels.base import ChannelKind
from notifications.outbox import CaseFacts, Message, StepFacts, TaskFacts, messages_for_step, reminder
from store.outbox_tables import NotificationRow
from store.reads import read_rows
from store.tables import CaseRow, HumanTask, UserRole, UserRow
from store.user_channels import channels_of
from store.writes import insert_rows

LIVE = ("pending", "sending")


def _task(task: ReadyTask, due: Callable[[str], datetime | None] | None = None) -> TaskFacts:
    found = definition(task.key)
    role = task.role or (found.role.value if found is not None else "")
    return TaskFacts(
        task.key, found.title if found is not None else task.title, role, due(task.key) if due else None
    )


def case_facts(case: CaseRow) -> CaseFacts:
    """What a message may say of a case."""
    assert case.id is not None  # noqa: S101 - persisted
    return CaseFacts(case.id, case.label, case.institution, case.applicant)


def enqueue_for_step(
    session: Session,
    case: CaseRow,
    event_type: str,
    completed: str | None,
    payload: dict[str, Any],
    report: StepReport,
    view: EngineView,
    open_before: Sequence[HumanTask],
    now: datetime,
    *,
    due: Callable[[str], datetime | None],
) -> int:
    """Enqueue what a committed step causes (in its transaction); the number of rows written."""
    waiting = {row.spec_id for row in open_before}
    step = StepFacts(
        case=case_facts(case), seq=case.event_seq, event_type=event_type, completed=completed, payload=payload,
        ran=report.ran, sla_fired=tuple((t.spec_id.removeprefix("sla_"), t.due) for t in report.fired
                                        if t.spec_id.startswith("sla_")),
        figures=case.figures, newly_ready=tuple(_task(t, due) for t in view.ready if t.spec_id not in waiting),
        ready=tuple(_task(t) for t in view.ready),
    )  # fmt: skip
    return enqueue(session, messages_for_step(step), now)


def enqueue_reminder(session: Session, case: CaseRow, task: HumanTask, now: datetime) -> int:
    """Enqueue a reminder of an open task's deadline (once per task and deadline, whoever asks again)."""
    assert task.id is not None  # noqa: S101 - persisted
    facts = TaskFacts(task.task_key, task.title, task.role, task.due_at)
    return enqueue(session, [reminder(case_facts(case), facts, task.id)], now)


def _holders(session: Session, roles: set[str]) -> dict[str, list[str]]:
    """The users holding each role, in the order they were created (by the ``user_role`` index)."""
    found: dict[str, list[str]] = {role: [] for role in roles}
    if roles:
        for row in read_rows(session, _HOLDERS, {"roles": sorted(roles)}):
            found[row.role].append(row.username)
    return found


# Built once, run with bound values (building a statement costs more than SQLite running it).
_HOLDERS = (
    select(UserRow.username, UserRole.role)
    .join(UserRole, col(UserRole.user_id) == col(UserRow.id))
    .where(col(UserRole.role).in_(bindparam("roles", expanding=True)))
    .order_by(col(UserRow.id))
)
_KNOWN_KEYS = select(NotificationRow.dedupe_key).where(
    col(NotificationRow.dedupe_key).in_(bindparam("keys", expanding=True))
)


def _key(message: Message, channel: ChannelKind, address: str, user: str) -> str:
    """One row per message and destination; a robot's URL is shared, so its messages are not per user."""
    where = user if channel is ChannelKind.INAPP else address
    return f"{message.key}:{channel.value}:{hashlib.sha256(where.encode()).hexdigest()[:20]}"


def enqueue(session: Session, messages: Sequence[Message], now: datetime) -> int:
    """Write a row per message, recipient user and chosen channel (skipping keys already there)."""
    if not messages:
        return 0
    holders = _holders(session, {m.to.role for m in messages if m.to.role})
    users = {m.key: [m.to.user] if m.to.user else holders.get(m.to.role or "", []) for m in messages}
    channels = channels_of(session, (u for names in users.values() for u in names))
    rows: dict[str, dict[str, Any]] = {}
    for message in messages:
        for user in users[message.key]:
            for channel, address in channels[user]:
                key = _key(message, channel, address, user)
                rows.setdefault(key, {
                    "dedupe_key": key, "case_id": message.case_id, "kind": message.kind.value, "recipient": user,
                    "channel": channel.value, "address": user if channel is ChannelKind.INAPP else address,
                    "title": message.rendered.title, "body": message.rendered.body, "status": "pending",
                    "next_attempt_at": now, "created_at": now,
                })  # fmt: skip
    if not rows:
        return 0
    known = set(read_rows(session, _KNOWN_KEYS, {"keys": list(rows)}).scalars())
    return insert_rows(session, NotificationRow, [row for key, row in rows.items() if key not in known])


def due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Rows whose next attempt is due (pending, or claimed by a dispatcher whose lease ran out)."""
    stmt = (
        select(NotificationRow.id)
        .where(col(NotificationRow.next_attempt_at) <= now, col(NotificationRow.status).in_(LIVE))
        .order_by(col(NotificationRow.next_attempt_at), col(NotificationRow.id))
        .limit(limit)
    )
    return [i for i in session.exec(stmt) if i is not None]


def claim(
    session: Session, row_id: int, token: str, now: datetime, lease: timedelta
) -> NotificationRow | None:
    """Take a due row for one attempt (committed at once); None when another dispatcher has it or it is done."""
    taken = session.execute(
        update(NotificationRow)
        .where(
            col(NotificationRow.id) == row_id, col(NotificationRow.status).in_(LIVE),
            col(NotificationRow.next_attempt_at) <= now,
        )
        .values(status="sending", claim_token=token, next_attempt_at=now + lease, attempts=NotificationRow.attempts + 1)
    )  # fmt: skip
    session.commit()
    if getattr(taken, "rowcount", 0) != 1:
        return None
    return session.get(NotificationRow, row_id, populate_existing=True)


def settle(
    session: Session, row_id: int, token: str, status: str, now: datetime, *,
    next_attempt_at: datetime | None = None, error: str | None = None,
) -> bool:  # fmt: skip
    """Record an attempt's outcome (sent, pending again, or dead) if the claim is still ours; False if not."""
    values: dict[str, Any] = {"status": status, "claim_token": None, "next_attempt_at": next_attempt_at}
    if status == "sent":
        values["sent_at"] = now
    if error is not None:
        values["last_error"] = error[:500]
    done = session.execute(
        update(NotificationRow)
        .where(col(NotificationRow.id) == row_id, col(NotificationRow.claim_token) == token)
        .values(**values)
    )
    session.commit()
    return getattr(done, "rowcount", 0) == 1


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message given up after its last attempt, as an admin sees it (the address shown only in part)."""

    id: int
    case_id: int | None
    kind: str
    recipient: str
    channel: str
    where: str
    title: str
    attempts: int
    last_error: str | None
    created_at: datetime


def _where(channel: str, address: str) -> str:
    if channel == ChannelKind.EMAIL.value:
        return "***@" + address.rpartition("@")[2]
    if channel in (ChannelKind.WECOM.value, ChannelKind.DINGTALK.value):
        return urlsplit(address).hostname or "?"  # the URL's query is the robot's secret key
    return address


def dead_letters(session: Session, limit: int = 100) -> list[DeadLetter]:
    """Messages that were given up, newest first (the admin's dead-letter list)."""
    stmt = (
        select(NotificationRow)
        .where(NotificationRow.status == "dead")
        .order_by(col(NotificationRow.created_at).desc(), col(NotificationRow.id).desc())
        .limit(limit)
    )
    return [
        DeadLetter(
            r.id or 0,
            r.case_id,
            r.kind,
            r.recipient,
            r.channel,
            _where(r.channel, r.address),
            r.title,
            r.attempts,
            r.last_error,
            r.created_at,
        )  # fmt: skip
        for r in session.exec(stmt)
    ]


def retry_dead(session: Session, row_ids: Iterable[int], now: datetime) -> int:
    """Give dead letters a new round of attempts (an admin fixed the address or the channel)."""
    done = session.execute(
        update(NotificationRow)
        .where(col(NotificationRow.id).in_(list(row_ids)), col(NotificationRow.status) == "dead")
        .values(status="pending", attempts=0, next_attempt_at=now, last_error=None)
    )
    return int(getattr(done, "rowcount", 0))


def inbox(session: Session, username: str, limit: int = 50) -> list[NotificationRow]:
    """The user's in-app messages that were delivered, newest first."""
    stmt = (
        select(NotificationRow)
        .where(NotificationRow.recipient == username, NotificationRow.channel == ChannelKind.INAPP.value)
        .where(NotificationRow.status == "sent")
        .order_by(col(NotificationRow.sent_at).desc(), col(NotificationRow.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt))


def mark_read(session: Session, username: str, row_id: int, now: datetime) -> bool:
    """Mark one of the user's in-app messages read; False when it is not theirs."""
    done = session.execute(
        update(NotificationRow)
        .where(col(NotificationRow.id) == row_id, col(NotificationRow.recipient) == username)
        .where(
            col(NotificationRow.channel) == ChannelKind.INAPP.value, col(NotificationRow.read_at).is_(None)
        )
        .values(read_at=now)
    )
    return getattr(done, "rowcount", 0) == 1
