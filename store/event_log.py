"""The append-only, hash-chained case event log."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from store.tables import CaseEvent

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text kept."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_hash(prev_hash: str, body: dict[str, Any]) -> str:
    """sha256(prev_hash ‖ canonical JSON of the event body)."""
    return hashlib.sha256((prev_hash + canonical(body)).encode()).hexdigest()


class EventLike(Protocol):
    """An event as the chain needs it: an ORM row or a plain record of its columns."""

    @property
    def case_id(self) -> int: ...
    @property
    def seq(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def actor(self) -> str | None: ...
    @property
    def payload(self) -> Any: ...
    @property
    def at(self) -> datetime: ...
    @property
    def digest(self) -> str: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


def _body(event: EventLike, seq: int | None = None) -> dict[str, Any]:
    return {
        "case_id": event.case_id,
        "seq": event.seq if seq is None else seq,
        "type": event.type,
        "actor": event.actor,
        "payload": event.payload,
        "at": event.at.astimezone(UTC).isoformat(),
        "digest": event.digest,
    }


def rehash(event: EventLike, *, seq: int | None = None) -> str:
    """The hash the event's content gives (as if numbered ``seq``, when given)."""
    return event_hash(event.prev_hash, _body(event, seq))


def head(session: Session, case_id: int) -> CaseEvent | None:
    """The last event of a case."""
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq).desc())
    return session.exec(stmt).first()


def new_event(
    case_id: int,
    after: tuple[int, str],
    type_: str,
    actor: str | None,
    payload: dict[str, Any],
    at: datetime,
    digest: str,
) -> CaseEvent:
    """The event that follows the head ``after`` = (seq, hash); the caller adds it in the same transaction."""
    seq, prev_hash = after
    event = CaseEvent(
        case_id=case_id,
        seq=seq + 1,
        type=type_,
        actor=actor,
        payload=json.loads(canonical(payload)),
        at=at,
        digest=digest,
        prev_hash=prev_hash,
        hash="",
    )
    event.hash = event_hash(event.prev_hash, _body(event))
    return event


def events(session: Session, case_id: int) -> list[CaseEvent]:
    """A case's events in order."""
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq))
    return list(session.exec(stmt))


_COLUMNS = tuple(CaseEvent.__table__.columns)  # type: ignore[attr-defined]


def records(session: Session, case_id: int) -> list[EventLike]:
    """A case's events in order as plain records (no ORM objects: the integrity check on every load)."""
    stmt = sa_select(*_COLUMNS).where(col(CaseEvent.case_id) == case_id).order_by(col(CaseEvent.seq))
    return list(session.connection().execute(stmt))


def verify_chain(session: Session, case_id: int) -> str | None:
    """None when the chain is intact, else a description of the first break."""
    prev = GENESIS
    for event in events(session, case_id):
        if event.prev_hash != prev:
            return f"event {event.seq}: prev_hash does not match"
        if event_hash(prev, _body(event)) != event.hash:
            return f"event {event.seq}: hash does not match its content"
        prev = event.hash
    return None
