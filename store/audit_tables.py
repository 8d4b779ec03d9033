"""Tables of the external anchors: each day's signed root over every case chain's head, and its leaves.

Like ``case_event``, neither is ever updated or deleted (the migration adds database triggers that
refuse it): a published root is what an outsider compares a history with.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from store.types import AwareDateTime


class Anchor(SQLModel, table=True):
    """A day's Merkle root over (case id, head seq, head hash) of every case, signed with Ed25519."""

    __tablename__ = "anchor"
    day: str = Field(primary_key=True, max_length=10)  # ISO date, Beijing time
    root: str = Field(max_length=64)
    signature: str = Field(max_length=128)  # hex of the 64-byte Ed25519 signature
    public_key: str = Field(max_length=64)  # hex of the 32-byte raw Ed25519 public key
    count: int  # leaves: cases anchored
    created_at: datetime = Field(sa_type=AwareDateTime)


class AnchorLeaf(SQLModel, table=True):
    """One case chain's head as a day's root includes it: what an inclusion proof is built from."""

    __tablename__ = "anchor_leaf"
    day: str = Field(primary_key=True, foreign_key="anchor.day", max_length=10)
    case_id: int = Field(primary_key=True, foreign_key="case.id", index=True)
    seq: int
    hash: str = Field(max_length=64)
