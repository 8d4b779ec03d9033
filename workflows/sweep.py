"""The timer sweep's steps: find due timers and fire them, one case at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from cases.case_events import fire_timers
from cases.runtime import Runtime
from domain.calendar import CalendarMissing
from domain.errors import Refused
from store.tables import Timer

_NEXT_TIMER = select(Timer.due_at).order_by(col(Timer.due_at)).limit(1)  # built once


def next_timer_stmt(skip: frozenset[int] = frozenset()) -> SelectOfScalar[datetime]:
    """The earliest waiting timer's instant (cases in ``skip`` left out), read from the index."""
    return _NEXT_TIMER.where(col(Timer.case_id).not_in(skip)) if skip else _NEXT_TIMER


def next_timer_at(rt: Runtime, *, skip: frozenset[int] = frozenset()) -> datetime | None:
    """When the earliest waiting timer is due (cases in ``skip`` left out)."""
    with rt.session() as session:
        return session.exec(next_timer_stmt(skip)).first()


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


@dataclass(frozen=True, slots=True)
class SweepReport:
    """Cases moved by a sweep, and cases whose timers could not fire (with why)."""

    moved: tuple[int, ...]
    failed: tuple[tuple[int, str], ...]
    quarantined: tuple[tuple[int, str], ...] = ()


def sweep_timers(rt: Runtime, now: datetime, *, skip: frozenset[int] = frozenset()) -> SweepReport:
    """Fire every due timer, case by case; a case that cannot (no calendar data, quarantined) is reported."""
    return sweep_cases(rt, [case_id for case_id in due_cases(rt, now) if case_id not in skip])


def sweep_cases(rt: Runtime, case_ids: list[int]) -> SweepReport:
    """Fire the due timers of these cases (claimed by this worker, workflows/claims.py), reporting failures."""
    moved: list[int] = []
    failed: list[tuple[int, str]] = []
    quarantined: list[tuple[int, str]] = []
    for case_id in case_ids:
        try:
            if fire_timers(rt, case_id):
                moved.append(case_id)
        except CalendarMissing as missing:
            failed.append((case_id, str(missing)))
        except Refused as refused:  # a quarantined case is never acted on: skipped and reported
            quarantined.append((case_id, refused.first.message))
    return SweepReport(tuple(moved), tuple(failed), tuple(quarantined))
