"""The append-only, hash-chained case event log."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from datetime import UTC, datetime
from threading import Lock
from typing import Any, Protocol

from sqlalchemy import Text, bindparam, cast
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


def event_values(
    case_id: int,
    after: tuple[int, str],
    type_: str,
    actor: str | None,
    payload: dict[str, Any],
    at: datetime,
    digest: str,
) -> dict[str, Any]:
    """The stored columns of the event that follows the head ``after`` = (seq, hash), its hash made.

    Plain values, for a Core insert in the command's transaction: building the ORM object only to
    read its columns back was half the cost of making an event (``CaseEvent(**values)`` makes one).
    """
    seq, prev_hash = after
    values = {
        "case_id": case_id,
        "seq": seq + 1,
        "type": type_,
        "actor": actor,
        "payload": json.loads(canonical(payload)),
        "at": at,
        "digest": digest,
        "prev_hash": prev_hash,
    }
    body = {**{k: values[k] for k in ("case_id", "seq", "type", "actor", "payload", "digest")},
            "at": at.astimezone(UTC).isoformat()}  # fmt: skip
    values["hash"] = event_hash(prev_hash, body)
    return values


def events(session: Session, case_id: int) -> list[CaseEvent]:
    """A case's events in order."""
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq))
    return list(session.exec(stmt))


class StoredEvent:
    """An event as read for the integrity check: its payload kept as the stored text, parsed when asked."""

    __slots__ = (
        "_payload",
        "actor",
        "at",
        "case_id",
        "digest",
        "hash",
        "prev_hash",
        "raw_payload",
        "seq",
        "type",
    )

    def __init__(self, case_id: int, seq: int, type_: str, actor: str | None, raw_payload: str, at: datetime,
                 digest: str, prev_hash: str, hash_: str) -> None:  # fmt: skip
        self.case_id, self.seq, self.type, self.actor = case_id, seq, type_, actor
        self.raw_payload, self.at, self.digest, self.prev_hash, self.hash = (
            raw_payload,
            at,
            digest,
            prev_hash,
            hash_,
        )
        self._payload: Any = None

    @property
    def payload(self) -> Any:
        if self._payload is None:
            self._payload = json.loads(self.raw_payload)
        return self._payload


_C = CaseEvent.__table__.c  # type: ignore[attr-defined]
# the payload as the database holds its text (CAST is the identity on SQLite and gives PostgreSQL's json text)
_RECORDS = (
    sa_select(_C.case_id, _C.seq, _C.type, _C.actor, cast(_C.payload, Text), _C.at, _C.digest, _C.prev_hash, _C.hash)
    .where(_C.case_id == bindparam("case_id"))
    .order_by(_C.seq)
)  # fmt: skip


def records(session: Session, case_id: int) -> list[StoredEvent]:
    """A case's events in order as plain records (no ORM objects: the integrity check on every load)."""
    return [StoredEvent(*row) for row in session.connection().execute(_RECORDS, {"case_id": case_id})]


_VERIFIED: OrderedDict[bytes, None] = OrderedDict()
_VERIFIED_LOCK = Lock()
_VERIFIED_KEPT = 100_000  # 16 MiB at most (tracemalloc): the events of ~6,000 cases


def content_holds(event: EventLike) -> bool:
    """Whether the event's content gives its hash.

    Every command checks the whole chain of its case, so the same stored events are checked again
    and again. An event read as stored text (:class:`StoredEvent`) that this process already found
    whole, byte for byte in every field, is known by the sha256 of those fields and not re-hashed
    (no JSON parse, no canonical form); any other event (an edited one) is hashed in full.
    """
    raw = getattr(event, "raw_payload", None)
    if raw is None:
        return rehash(event) == event.hash
    fields = (event.case_id, event.seq, event.type, event.actor, raw, event.at.astimezone(UTC).isoformat(),
              event.digest, event.prev_hash, event.hash)  # fmt: skip
    key = hashlib.sha256(repr(fields).encode()).digest()
    with _VERIFIED_LOCK:
        if key in _VERIFIED:
            _VERIFIED.move_to_end(key)
            return True
    if rehash(event) != event.hash:
        return False
    with _VERIFIED_LOCK:
        _VERIFIED[key] = None
        if len(_VERIFIED) > _VERIFIED_KEPT:
            _VERIFIED.popitem(last=False)
    return True


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
