"""SQLModel tables: cases with their engine snapshot, the hash-chained event log, projections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, Index, Text, UniqueConstraint, delete, event, insert, inspect
from sqlmodel import Field, SQLModel, col

from store.types import AwareDateTime


class DeploymentRow(SQLModel, table=True):
    """A deployed set of models (BPMN + DMN + forms + policy + calendar), stored once, pinned by content hash.

    A deployment made by `subsidyflow deploy` is a numbered version with who deployed it, why, and the
    period it is in force for new applications; one recorded for a case filed on the settings' files
    has no version.
    """

    __tablename__ = "deployment"
    id: str = Field(primary_key=True, max_length=64)
    policy: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=AwareDateTime)
    version: int | None = Field(default=None, unique=True)
    deployed_by: str | None = Field(default=None, max_length=100)
    reason: str | None = Field(default=None, max_length=500)
    effective_from: date | None = None
    effective_until: date | None = None


class DeploymentFile(SQLModel, table=True):
    """One model file of a deployment."""

    __tablename__ = "deployment_file"
    deployment_id: str = Field(primary_key=True, foreign_key="deployment.id", max_length=64)
    name: str = Field(primary_key=True, max_length=200)
    content: str = Field(sa_column=Column(Text, nullable=False))


class Institution(SQLModel, table=True):
    """A training institution of the catalogue (003 (十): black/white list)."""

    __tablename__ = "institution"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    status: str = Field(max_length=20)
    status_reason: str = ""
    updated_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class Project(SQLModel, table=True):
    """A published subsidised project: occupation + level (003 (三))."""

    __tablename__ = "project"
    __table_args__ = (UniqueConstraint("occupation", "level"),)
    id: int | None = Field(default=None, primary_key=True)
    occupation: str = Field(max_length=100)
    level: str = Field(max_length=20)


class UserRow(SQLModel, table=True):
    """A person using the system, with the roles they hold."""

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=100)
    display_name: str = ""
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    password_hash: str | None = None
    # sign-in lock-out (web/accounts.py): failed attempts in a row, and until when sign-in is refused
    failed_logins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = Field(default=None, sa_type=AwareDateTime)


class UserRole(SQLModel, table=True):
    """Who holds a role, one row per (user, role): the index behind "every reviewer" (app_user.roles is the
    source; written with it by the mapper events below). A national deployment has ~10⁵ users, most of
    them applicants: reading them all to find a role's holders took 0.6 s per notification enqueue.
    """

    __tablename__ = "user_role"
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    role: str = Field(max_length=30, primary_key=True, index=True)


def _write_roles(connection: Connection, row: UserRow) -> None:
    connection.execute(delete(UserRole).where(col(UserRole.user_id) == row.id))
    if row.roles:
        connection.execute(
            insert(UserRole), [{"user_id": row.id, "role": r} for r in dict.fromkeys(row.roles)]
        )


@event.listens_for(UserRow, "after_insert")
def _index_new_roles(mapper: Any, connection: Connection, row: UserRow) -> None:
    """A new user's roles into ``user_role``, in the same transaction (whoever writes the user)."""
    _write_roles(connection, row)


@event.listens_for(UserRow, "after_update")
def _index_changed_roles(mapper: Any, connection: Connection, row: UserRow) -> None:
    """A user's changed roles into ``user_role`` (a sign-in's counters leave them alone)."""
    if inspect(row).attrs.roles.history.has_changes():
        _write_roles(connection, row)


class TrainingRecord(SQLModel, table=True):
    """An earlier subsidised training of a person (002: once a year; 000: no repeat occupation)."""

    __tablename__ = "training_record"
    id: int | None = Field(default=None, primary_key=True)
    id_number: str = Field(index=True, max_length=18)
    year: int
    occupation: str = Field(max_length=100)
    source: str = ""
    # the salted reference of the ID number (store/personal.py): look-ups go by it, not by the number
    ref: str | None = Field(default=None, index=True, max_length=64)


class CaseRow(SQLModel, table=True):
    """One training class from application to payment, with its engine snapshot (a cache of the log)."""

    __tablename__ = "case"
    # the year's quota use and the cap look up an institution's classes by start date at every application
    __table_args__ = (Index("ix_case_institution_start", "institution", "start_date"),)
    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=100, index=True)
    deployment_id: str = Field(foreign_key="deployment.id", max_length=64)
    process_id: str = Field(max_length=100)
    applicant: str = Field(max_length=100, index=True)
    institution: str = Field(max_length=200)
    occupation: str = Field(max_length=100)
    level: str = Field(max_length=20)
    batch: str = Field(max_length=100)
    start_date: date
    end_date: date
    planned_count: int
    # 004 (三)4: 由个人、企业或培训机构申领 — the applicant, hence the payee (contract v2)
    applicant_kind: str = Field(
        default="institution", max_length=20, sa_column_kwargs={"server_default": "institution"}
    )
    credit_code: str | None = Field(default=None, max_length=18)
    # 004 attachment 1: the plan's project type of the class (岗前培训, 技能提升 …)
    project_type: str | None = Field(default=None, max_length=50)
    opening_approved: bool = False
    status: str = Field(max_length=20, index=True)
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    snapshot: str = Field(sa_column=Column(Text, nullable=False))
    digest: str = Field(max_length=64)
    event_seq: int = 0  # the head of the case's event log: seq and hash (no look-up per command)
    head_hash: str = Field(default="0" * 64, max_length=64)
    version: int = 1
    created_at: datetime = Field(sa_type=AwareDateTime)
    updated_at: datetime = Field(sa_type=AwareDateTime)


class CaseEvent(SQLModel, table=True):
    """Append-only, hash-chained log of every command on a case; never updated or deleted."""

    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    seq: int
    type: str = Field(max_length=40)
    actor: str | None = Field(default=None, max_length=100)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    at: datetime = Field(sa_type=AwareDateTime)
    digest: str = Field(max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class RosterEntry(SQLModel, table=True):
    """One trainee of a case's current roster (花名册)."""

    __tablename__ = "roster_entry"
    __table_args__ = (Index("ix_roster_id_number", "id_number"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    position: int
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=18)
    phone: str = Field(max_length=30)
    group: str = Field(max_length=50)
    # the salted reference of the ID number (store/personal.py): look-ups go by it, not by the number
    ref: str | None = Field(default=None, index=True, max_length=64)


class HumanTask(SQLModel, table=True):
    """Projection of a human task: open → claimed → completed (or withdrawn)."""

    __tablename__ = "human_task"
    # the inbox's page: open tasks of a role in due order, read from the index alone (tasks/inbox.py)
    __table_args__ = (Index("ix_human_task_inbox", "status", "role", "due_at", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    task_key: str = Field(max_length=60)
    spec_id: str = Field(max_length=100)
    title: str = ""
    role: str = Field(max_length=30, index=True)
    status: str = Field(max_length=20, index=True)
    assignee: str | None = Field(default=None, max_length=100)
    due_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    created_at: datetime = Field(sa_type=AwareDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    completed_by: str | None = None


class Timer(SQLModel, table=True):
    """Projection of a waiting timer, indexed by due time for the sweep."""

    __tablename__ = "timer"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    spec_id: str = Field(max_length=100)
    due_at: datetime = Field(index=True, sa_type=AwareDateTime)


class SpotCheckRow(SQLModel, table=True):
    """A spot check filed during training (004 (三)2)."""

    __tablename__ = "spot_check"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    checked_on: date
    place: str
    teachers_present: int
    attendance: int


class Notice(SQLModel, table=True):
    """A public notice of a claim (004 (三)4): masked names, class, amount."""

    __tablename__ = "notice"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    start: date
    end: date
    amount_fen: int
    published_at: datetime = Field(sa_type=AwareDateTime)


class Objection(SQLModel, table=True):
    """An objection filed by anyone during a notice."""

    __tablename__ = "objection"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    text: str
    filed_at: datetime = Field(sa_type=AwareDateTime)
    outcome: str | None = None


class Payment(SQLModel, table=True):
    """The one payment of a case, with its idempotency key and retry state."""

    __tablename__ = "payment"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", unique=True)
    idempotency_key: str = Field(unique=True, max_length=100)
    amount_fen: int
    fund_source: str
    status: str = Field(max_length=20, index=True)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, index=True, sa_type=AwareDateTime)
    reference: str | None = None
    paid_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    last_error: str | None = None
    # 004 (三)4: 由个人、企业或培训机构申领 — who is paid, fixed when the payment is ordered (contract v2);
    # the bank account is personal data: never logged, masked wherever shown
    payee_kind: str = Field(
        default="institution", max_length=20, sa_column_kwargs={"server_default": "institution"}
    )
    payee_name: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    bank_name: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    bank_account: str = Field(default="", max_length=30, sa_column_kwargs={"server_default": ""})


class SlaBreach(SQLModel, table=True):
    """An SLA deadline that passed with the work not done."""

    __tablename__ = "sla_breach"
    __table_args__ = (UniqueConstraint("case_id", "rule", "due"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    rule: str = Field(max_length=40)
    due: datetime = Field(sa_type=AwareDateTime)


class Enterprise(SQLModel, table=True):
    """An enterprise training its own staff, known by its unified social credit code (GB 32100)."""

    __tablename__ = "enterprise"
    id: int | None = Field(default=None, primary_key=True)
    credit_code: str = Field(unique=True, max_length=18)
    name: str = Field(max_length=200)
    status: str = Field(max_length=20)


class PlanLineRow(SQLModel, table=True):
    """A line of the year's training plan (004 attachment 1: 培训计划表, 任务分配)."""

    __tablename__ = "plan_line"
    __table_args__ = (Index("ix_plan_line_year_institution", "year", "institution"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    institution: str = Field(max_length=200)
    project_type: str | None = Field(default=None, max_length=50)
    quota: int
