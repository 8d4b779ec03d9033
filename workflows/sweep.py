"""The timer sweep's steps: find due timers and fire them, one case at a time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from store.tables import Timer
from tasks.commands import fire_timers
from tasks.runtime import Runtime


def next_timer_at(rt: Runtime) -> datetime | None:
    """When the earliest waiting timer is due."""
    with rt.session() as session:
        return session.exec(select(Timer.due_at).order_by(col(Timer.due_at))).first()


def due_cases(rt: Runtime, now: datetime) -> list[int]:
    """Cases with a timer due before ``now``, earliest first."""
    with rt.session() as session:
        rows = session.exec(
            select(Timer.case_id, Timer.due_at).where(col(Timer.due_at) < now).order_by(col(Timer.due_at))
        )
        seen: dict[int, None] = {}
        for case_id, _ in rows:
            seen.setdefault(case_id, None)
        return list(seen)


def sweep_timers(rt: Runtime, now: datetime) -> int:
    """Fire every due timer; returns how many cases moved."""
    return sum(1 for case_id in due_cases(rt, now) if fire_timers(rt, case_id))
