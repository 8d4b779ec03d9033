"""Tables of the orchestration machinery: work claims, operator alerts, SLA reminders sent, reports kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import AwareDateTime


class WorkClaim(SQLModel, table=True):
    """A worker's lease on one item of due work (a case's timers, a payment) until ``claimed_until``.

    Taken in a short transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, then an upsert that only
    succeeds on a free or expired lease), so each item is processed by exactly one worker; a worker
    that dies leaves a lease that expires, and another worker takes the item over.
    """

    __tablename__ = "work_claim"
    kind: str = Field(primary_key=True, max_length=20)
    item_id: int = Field(primary_key=True)
    worker: str = Field(max_length=100)
    claimed_until: datetime = Field(sa_type=AwareDateTime)


class OperatorAlert(SQLModel, table=True):
    """Something an operator must act on (a timer that cannot fire, a payment mismatch), raised once."""

    __tablename__ = "operator_alert"
    __table_args__ = (UniqueConstraint("kind", "case_id", "detail"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    case_id: int = 0  # 0: not about one case
    detail: str = Field(max_length=500)
    raised_at: datetime = Field(sa_type=AwareDateTime)
    notified: bool = False


class SlaReminder(SQLModel, table=True):
    """A reminder before, or an escalation at, a human task's deadline: recorded once, sent once."""

    __tablename__ = "sla_reminder"
    __table_args__ = (UniqueConstraint("human_task_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    human_task_id: int = Field(foreign_key="human_task.id")
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: str = Field(max_length=20)  # reminder | escalation
    due_at: datetime = Field(sa_type=AwareDateTime)
    sent_at: datetime = Field(sa_type=AwareDateTime)


class ReportFile(SQLModel, table=True):
    """A generated report (the monthly progress report, 004 三(一)) kept for download, with its hash."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("kind", "period", "format"),
        Index("ix_report_period", "period"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    period: str = Field(max_length=7)  # YYYY-MM, the month reported on
    format: str = Field(max_length=10)  # xlsx | pdf
    filename: str = Field(max_length=200)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=AwareDateTime)
