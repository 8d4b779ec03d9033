"""Tables of the notification outbox: one row per message and address, and the channels each user chose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.types import AwareDateTime


class NotificationRow(SQLModel, table=True):
    """One message to one address by one channel, written in the transaction of the event that causes it.

    pending → sending (claimed by a dispatcher until ``next_attempt_at``) → sent, or back to pending
    with the back-off, or dead after the last attempt. In-app rows, once sent, are the user's inbox.
    The title and body never hold an ID number, a phone or a bank account (notifications/templates.py).
    """

    __tablename__ = "notification"
    __table_args__ = (
        # the dispatcher's due query walks live rows only: sent and dead rows have no next attempt
        Index(
            "ix_notification_due", "next_attempt_at",
            sqlite_where=text("next_attempt_at IS NOT NULL"), postgresql_where=text("next_attempt_at IS NOT NULL"),
        ),
        Index("ix_notification_inbox", "recipient", "channel", "status"),
    )  # fmt: skip
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True, max_length=300)  # the same message enqueued twice is one row
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    kind: str = Field(max_length=30)
    recipient: str = Field(max_length=100)
    channel: str = Field(max_length=20)
    address: str = Field(default="", max_length=500)  # e-mail address or robot URL; the username in-app
    title: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=20, index=True)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    claim_token: str | None = Field(default=None, max_length=40)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=AwareDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    read_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class UserChannel(SQLModel, table=True):
    """A channel a user chose, with its address; a user with none gets in-app messages only."""

    __tablename__ = "user_channel"
    __table_args__ = (UniqueConstraint("username", "channel", "address"),)
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, index=True)
    channel: str = Field(max_length=20)
    address: str = Field(default="", max_length=500)
    chosen_at: datetime = Field(sa_type=AwareDateTime)
