"""Tables of personal data kept apart from the event log (ARCHITECTURE "Personal data apart from the log").

``personal_data`` holds each ID number, phone, name and bank account once, encrypted (Fernet) under
its reference: the salted HMAC the events carry instead of the value. ``personal_read`` records every
read of a value by a person. Erasing a value clears its ciphertext and keeps the reference, so every
event that names it, and every chain, still verifies.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from store.types import AwareDateTime


class PersonalData(SQLModel, table=True):
    """One personal value under its reference (HMAC-SHA256 of salt, kind and normalised value)."""

    __tablename__ = "personal_data"
    ref: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=30)
    ciphertext: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_type=AwareDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class PersonalRead(SQLModel, table=True):
    """One read of a personal value: who, in which role, why, for which case, when."""

    __tablename__ = "personal_read"
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=64, index=True)
    reader: str = Field(max_length=100)
    role: str = Field(max_length=30)
    purpose: str = Field(max_length=100)
    case_id: int | None = Field(default=None, index=True)
    at: datetime = Field(sa_type=AwareDateTime)
