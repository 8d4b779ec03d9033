"""Tables of the web pages: public objections' receipts (and the throttle), institution status changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.types import AwareDateTime


class ObjectionReceipt(SQLModel, table=True):
    """The receipt number a public objection was answered with, and who filed it (a salted hash of the address).

    Its rows also throttle the public form: a client address may file a few objections an hour.
    """

    __tablename__ = "objection_receipt"
    __table_args__ = (Index("ix_objection_receipt_client", "client", "filed_at"),)
    objection_id: int = Field(primary_key=True, foreign_key="objection.id")
    receipt: str = Field(unique=True, max_length=40)
    client: str = Field(max_length=64)  # sha256 of the secret salt and the client address, never the address
    filed_at: datetime = Field(sa_type=AwareDateTime)


class InstitutionEvent(SQLModel, table=True):
    """A change of an institution's catalogue status: from, to, why, by whom, when (the audit trail)."""

    __tablename__ = "institution_event"
    id: int | None = Field(default=None, primary_key=True)
    institution: str = Field(max_length=200, index=True)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    reason: str = Field(max_length=500)
    by: str = Field(max_length=100)
    at: datetime = Field(sa_type=AwareDateTime)
