"""Operator alerts: something only an operator can fix (a timer that cannot fire, a payment mismatch), raised once.

An alert is keyed by (kind, case, detail): raising it again changes nothing, so a sweep running
every few seconds over a case it cannot move alerts the operator once, not every pass. The alert
goes to the admins through the notification outbox in the same transaction. The detail never
carries personal data (case ids, dates, amounts and codes only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cases.runtime import Runtime
from notifications.outbox import Message, Recipient
from notifications.redaction import redact
from notifications.templates import Kind, Rendered
from store.orchestration_tables import OperatorAlert
from store.outbox import enqueue

log = logging.getLogger(__name__)

TIMER_BLOCKED = "timer_blocked"  # a due timer that cannot fire (a year without calendar data)
CASE_QUARANTINED = "case_quarantined"  # due work on a case whose history failed its integrity check
PAYMENT_MISMATCH = "payment_mismatch"  # our payment rows and the gateway's record disagree
MAX_DETAIL = 500
ADMIN_ROLE = "admin"


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert to raise: its kind, the case it is about (0: none) and what is wrong."""

    kind: str
    case_id: int
    detail: str


def raise_alert(rt: Runtime, alert: Alert) -> bool:
    """Record the alert and tell the admins, unless it was raised before: True when it is new."""
    detail = alert.detail[:MAX_DETAIL]
    with rt.session() as session:
        known = session.exec(
            select(OperatorAlert.id).where(
                OperatorAlert.kind == alert.kind,
                OperatorAlert.case_id == alert.case_id,
                OperatorAlert.detail == detail,
            )
        ).first()
        if known is not None:
            return False
        row = OperatorAlert(kind=alert.kind, case_id=alert.case_id, detail=detail, raised_at=rt.now())
        session.add(row)
        try:
            session.flush()
            row.notified = _tell_admins(session, rt, alert, detail, row.id or 0) > 0
            session.add(row)
            session.commit()
        except IntegrityError:  # another worker raised it at the same moment: once is enough
            session.rollback()
            return False
    log.warning("operator alert %s on case %s", alert.kind, alert.case_id)
    return True


def _tell_admins(session: Session, rt: Runtime, alert: Alert, detail: str, alert_id: int) -> int:
    """The alert to every admin through the outbox, in the alert's transaction: rows written."""
    where = f"案件 {alert.case_id}" if alert.case_id else "系统"
    rendered = Rendered(f"【运维告警】{where}：{alert.kind}", redact(f"{where}需要运维人员处理：{detail}"))
    message = Message(
        Kind.ESCALATION, Recipient(role=ADMIN_ROLE), f"alert-{alert_id}", alert.case_id or None, rendered
    )
    return enqueue(session, [message], rt.now())


def open_alerts(rt: Runtime, kind: str | None = None) -> list[OperatorAlert]:
    """The alerts raised so far (of one kind), oldest first."""
    with rt.session() as session:
        stmt = select(OperatorAlert).order_by(col(OperatorAlert.id))
        if kind is not None:
            stmt = stmt.where(OperatorAlert.kind == kind)
        return list(session.exec(stmt))
