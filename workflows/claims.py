"""Claims on due work: each due case (its timers) or payment is taken by exactly one worker.

A claim is taken in a short transaction: on PostgreSQL the candidate rows are read with
``SELECT … FOR UPDATE SKIP LOCKED`` (two workers claiming at once see disjoint rows), then a
lease is written in ``work_claim`` by an upsert that only succeeds when the item is free, its
lease expired, or it is this worker's own (a restarted worker with the same name takes its work
back at once). The work is then done outside that transaction, and the claim released. A worker
that dies leaves its lease to expire: another worker takes the item over. SQLite has no row locks
(one worker there); the lease upsert is the same.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, not_, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from cases.runtime import Runtime
from store.orchestration_tables import WorkClaim
from store.tables import Payment, Timer

TIMERS = "timers"  # item: a case whose timers are due
PAYMENT = "payment"  # item: a payment row
DEFAULT_LEASE = timedelta(minutes=2)  # longer than one item's work (a gateway call times out in 10 s)
PARKED = "parked"  # the claimant of an item that cannot be done now (no calendar data, quarantined)


def worker_name() -> str:
    """This process's default name as a claimant: host and process id (`SUBSIDYFLOW_WORKER` overrides)."""
    return os.environ.get("SUBSIDYFLOW_WORKER") or f"{socket.gethostname()}:{os.getpid()}"


def _live_claim(kind: str, item: Any, worker: str, now: datetime) -> Any:
    """An unexpired claim on ``item`` held by another worker."""
    return exists().where(
        col(WorkClaim.kind) == kind,
        col(WorkClaim.item_id) == item,
        col(WorkClaim.claimed_until) > now,
        col(WorkClaim.worker) != worker,
    )


def due_timer_candidates(
    now: datetime, worker: str, limit: int, skip: Iterable[int] = ()
) -> SelectOfScalar[Any]:
    """Cases with a timer due before ``now`` that nobody else holds, earliest first (one row per timer)."""
    stmt: SelectOfScalar[Any] = (
        select(col(Timer.case_id))
        .where(col(Timer.due_at) < now, not_(_live_claim(TIMERS, Timer.case_id, worker, now)))
        .order_by(col(Timer.due_at), col(Timer.id))
        .limit(limit)
    )
    skipped = list(skip)
    if skipped:
        stmt = stmt.where(col(Timer.case_id).not_in(skipped))
    return stmt


def due_payment_candidates(now: datetime, worker: str, limit: int) -> SelectOfScalar[Any]:
    """Pending payments whose next attempt is due and that nobody else holds, earliest first."""
    return (
        select(col(Payment.id))
        .where(
            col(Payment.status) == "pending",
            col(Payment.next_attempt_at) <= now,
            not_(_live_claim(PAYMENT, Payment.id, worker, now)),
        )
        .order_by(col(Payment.next_attempt_at), col(Payment.id))
        .limit(limit)
    )


def claim(
    rt: Runtime, kind: str, candidates: SelectOfScalar[Any], worker: str, lease: timedelta = DEFAULT_LEASE
) -> list[int]:
    """Take the candidates' items for ``worker`` until now + ``lease``; the items actually taken, in order."""
    now = rt.now()
    with rt.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        items = list(dict.fromkeys(i for i in session.exec(candidates) if i is not None))
        taken = [i for i in items if _lease(session, kind, i, worker, now + lease, now)]
        session.commit()
    return taken


def _lease(session: Session, kind: str, item: int, worker: str, until: datetime, now: datetime) -> bool:
    """Write the lease unless another worker's unexpired one stands: True when it is ours now."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = WorkClaim.__table__  # type: ignore[attr-defined]
    stmt = (
        insert(table)
        .values(kind=kind, item_id=item, worker=worker, claimed_until=until)
        .on_conflict_do_update(
            index_elements=["kind", "item_id"],
            set_={"worker": worker, "claimed_until": until},
            where=or_(table.c.claimed_until <= now, table.c.worker == worker),
        )
        .returning(table.c.item_id)
    )
    return session.execute(stmt).first() is not None


def release(rt: Runtime, kind: str, items: Iterable[int], worker: str) -> None:
    """Give back this worker's claims on ``items``."""
    ids = list(items)
    if not ids:
        return
    with rt.session() as session:
        session.execute(
            delete(WorkClaim).where(
                and_(
                    col(WorkClaim.kind) == kind,
                    col(WorkClaim.item_id).in_(ids),
                    col(WorkClaim.worker) == worker,
                )
            )
        )
        session.commit()


def park(rt: Runtime, kind: str, item: int, worker: str, until: datetime) -> None:
    """Hand this worker's claim on an item that cannot be done now to nobody until ``until`` (no busy retry)."""
    with rt.session() as session:
        row = session.get(WorkClaim, (kind, item))
        if row is not None and row.worker == worker:
            row.worker, row.claimed_until = PARKED, until
            session.add(row)
            session.commit()
