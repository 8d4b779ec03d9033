"""The human-task lifecycle: an explicit state machine; nothing else writes a task's status.

open → claimed (claim) → open (unclaim); open | claimed → completed (the engine took the
completion) or withdrawn (the case moved on without it: a return, a rejection, fraud).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

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


def apply(task: HumanTask, transition: Transition, *, by: str | None, at: datetime) -> None:
    """Move ``task`` along ``transition`` (claim records the assignee; complete who completed it)."""
    current = TaskStatus(task.status)
    target = _MACHINE.get((current, transition))
    if target is None:
        raise IllegalTransition(f"任务状态为「{current.value}」，不能执行「{transition.value}」")
    task.status = target.value
    if transition is Transition.CLAIM:
        task.assignee = by
    elif transition is Transition.UNCLAIM:
        task.assignee = None
    else:
        task.completed_at = at
        task.completed_by = by if transition is Transition.COMPLETE else None
