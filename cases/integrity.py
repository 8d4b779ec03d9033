"""Integrity on every load: a case whose stored history does not hold together is never acted on.

Each event carries the digest of the engine state it leaves behind and a seal of the case row
(``payload["state"]``): the sha256 of every judged column (status, figures, institution, dates,
counts, the pinned deployment…), with status and figures in the clear for auditors. Before a
command, a sweep or a payment touches a case, :func:`ensure_intact` checks the whole hash chain,
that the events are numbered 1‥n without gaps, that the row's head hash, event count and digest
are the last event's, and that the row and its snapshot are the ones the last event sealed. A
failure quarantines the case: every command is refused with the code ``integrity``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session

from bpmn.engine import snapshot_digest
from cases.conflict import CaseConflict
from domain.errors import ErrorCode, Refused, Violation
from store import event_log
from store.event_log import EventLike
from store.tables import CaseRow

# Columns that are bookkeeping of the row itself, not what the case is: checked apart or not at all.
_UNSEALED = frozenset(
    {"id", "snapshot", "digest", "event_seq", "head_hash", "version", "created_at", "updated_at"}
)
_SEALED = tuple(name for name in CaseRow.model_fields if name not in _UNSEALED)


@dataclass(frozen=True, slots=True)
class Finding:
    """One integrity problem of a case: what kind, at which event (if one), described in Chinese."""

    kind: str  # missing | edited | reordered | head | snapshot | row | deployment | replay
    seq: int | None
    detail: str


def seal(case: CaseRow, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The state an event seals: the row's judged columns (with ``values`` about to be written)."""
    merged = {name: getattr(case, name) for name in _SEALED}
    if values:
        merged.update({k: v for k, v in values.items() if k in merged})
    row = {name: merged[name] for name in _SEALED}
    return {
        "status": merged["status"],
        "figures": merged["figures"],
        "row": hashlib.sha256(event_log.canonical(row).encode()).hexdigest(),
    }


def chain_findings(case_id: int, events: Sequence[EventLike]) -> list[Finding]:
    """Missing, edited or reordered events of a case's log (empty: the chain holds)."""
    found: list[Finding] = []
    seqs = [e.seq for e in events]
    expected = set(range(1, max(seqs, default=0) + 1))
    for seq in sorted(expected - set(seqs)):
        found.append(Finding("missing", seq, f"第 {seq} 个事件缺失（已被删除）"))
    edited = {e.seq for e in events if e.case_id != case_id or not event_log.content_holds(e)}
    for event in events:
        if event.seq not in edited:
            continue
        moved = next(
            (s for s in seqs if s != event.seq and event_log.rehash(event, seq=s) == event.hash), None
        )
        if moved is not None:
            found.append(
                Finding("reordered", event.seq, f"第 {moved} 个事件被移到了第 {event.seq} 位（顺序被调换）")
            )
        else:
            found.append(Finding("edited", event.seq, f"第 {event.seq} 个事件的内容与其哈希不符（已被改动）"))
    by_hash = {e.hash: e for e in events}
    prev = event_log.GENESIS
    for event in events:
        if event.prev_hash == prev or event.seq in edited:
            prev = event.hash
            continue
        linked = by_hash.get(event.prev_hash)
        if linked is not None and linked.seq > event.seq:
            found.append(
                Finding(
                    "reordered",
                    event.seq,
                    f"第 {event.seq} 个事件的顺序被调换（其前一事件为第 {linked.seq} 个）",
                )
            )
        elif not any(f.kind == "missing" for f in found):
            found.append(Finding("missing", event.seq, f"第 {event.seq} 个事件之前的事件缺失或被替换"))
        prev = event.hash
    return found


def row_findings(case: CaseRow, events: Sequence[EventLike]) -> list[Finding]:
    """Whether the case row and its snapshot are the ones the last event sealed."""
    if not events:
        return [Finding("head", None, "案件没有任何事件记录")]
    last = events[-1]
    found: list[Finding] = []
    if case.event_seq != last.seq or case.event_seq != len(events) or case.head_hash != last.hash:
        found.append(
            Finding(
                "head", last.seq, f"案件记录的事件数或链头（{case.event_seq}）与事件日志（{len(events)}）不符"
            )
        )
    state = last.payload.get("state") if isinstance(last.payload, Mapping) else None
    if not isinstance(state, Mapping):
        return [*found, Finding("row", last.seq, "最后一个事件没有记录案件状态，无法核对")]
    if case.digest != last.digest or snapshot_digest(case.snapshot) != last.digest:
        found.append(Finding("snapshot", last.seq, "流程快照与最后一个事件记录的不符（快照已被改动）"))
    if seal(case)["row"] != state.get("row"):
        found.append(
            Finding("row", last.seq, "案件记录（状态、金额或申请信息）与最后一个事件记录的不符（已被改动）")
        )
    return found


def findings(session: Session, case: CaseRow) -> list[Finding]:
    """Every integrity problem of a stored case (empty: intact)."""
    assert case.id is not None  # noqa: S101 - persisted
    events = event_log.records(session, case.id)
    return [*chain_findings(case.id, events), *row_findings(case, events)]


class CaseQuarantined(Refused):
    """A command on a case whose history fails its integrity check: refused, nothing changed."""

    def __init__(self, case_id: int, problems: Sequence[Finding]) -> None:
        self.case_id = case_id
        self.problems = tuple(problems)
        text = "；".join(p.detail for p in problems[:3])
        super().__init__(
            [
                Violation(
                    ErrorCode.INTEGRITY,
                    None,
                    f"案件 {case_id} 的历史记录未通过完整性校验，已隔离，不予办理：{text}",
                )
            ]
        )


_VERSION = sa_select(CaseRow.__table__.c.version).where(CaseRow.__table__.c.id == bindparam("case_id"))  # type: ignore[attr-defined]


def ensure_intact(session: Session, case: CaseRow) -> None:
    """Raise CaseQuarantined unless the case's history and row hold together.

    On PostgreSQL (read committed) another command may commit between the read of the row and the
    read of its events: the row is then one event behind its log. That is a lost race, not an edit:
    when the row's version has moved since it was read, CaseConflict (refused ``conflict``; the next
    attempt reads both anew and is checked in full).
    """
    problems = findings(session, case)
    if problems:
        assert case.id is not None  # noqa: S101 - persisted
        current = session.connection().execute(_VERSION, {"case_id": case.id}).scalar()
        if current is not None and current != case.version:
            raise CaseConflict(case.id)
        raise CaseQuarantined(case.id, problems)
