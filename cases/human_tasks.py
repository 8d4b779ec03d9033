"""The human-task lifecycle: an explicit state machine; nothing else writes a task's status.

open → claimed (claim) → open (unclaim); open | claimed → completed (the engine took the
completion) or withdrawn (the case moved on without it: a return, a rejection, fraud).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from store.tables import HumanTask


class TaskStatus(StrEnum):
    """Where a human task is in its life."""

    OPEN = "open"
    CLAIMED = "claimed"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Transition(StrEnum):
    """What may happen to a human task."""

    CLAIM = "claim"
    UNCLAIM = "unclaim"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"


# (from, transition) → to
_MACHINE: dict[tuple[TaskStatus, Transition], TaskStatus] = {
    (TaskStatus.OPEN, Transition.CLAIM): TaskStatus.CLAIMED,
    (TaskStatus.CLAIMED, Transition.UNCLAIM): TaskStatus.OPEN,
    (TaskStatus.OPEN, Transition.COMPLETE): TaskStatus.COMPLETED,
    (TaskStatus.CLAIMED, Transition.COMPLETE): TaskStatus.COMPLETED,
    (TaskStatus.OPEN, Transition.WITHDRAW): TaskStatus.WITHDRAWN,
    (TaskStatus.CLAIMED, Transition.WITHDRAW): TaskStatus.WITHDRAWN,
}


class IllegalTransition(ValueError):
    """A transition the task's current status does not allow."""


def changes(task: HumanTask, transition: Transition, *, by: str | None, at: datetime) -> dict[str, Any]:
    """The columns ``transition`` sets on ``task`` (claim records the assignee; complete who completed it)."""
    current = TaskStatus(task.status)
    target = _MACHINE.get((current, transition))
    if target is None:
        raise IllegalTransition(f"任务状态为「{current.value}」，不能执行「{transition.value}」")
    if transition is Transition.CLAIM:
        return {"status": target.value, "assignee": by}
    if transition is Transition.UNCLAIM:
        return {"status": target.value, "assignee": None}
    return {
        "status": target.value,
        "completed_at": at,
        "completed_by": by if transition is Transition.COMPLETE else None,
    }


def apply(task: HumanTask, transition: Transition, *, by: str | None, at: datetime) -> None:
    """Move ``task`` along ``transition`` (the ORM writes the change with the session)."""
    for column, value in changes(task, transition, by=by, at=at).items():
        setattr(task, column, value)
