"""The case status projection, derived from what the engine waits for (scenarios/README.md "status")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bpmn.engine import EngineView
from forms.task_definitions import TASKS

_FINAL = {"paid", "rejected", "cancelled", "stopped"}
_RETURNED = "returned"


def derive_status(view: EngineView, figures: Mapping[str, Any]) -> str:
    """Status from the ready tasks and waiting events; a return sends the case to `returned`."""
    outcome = figures.get("outcome")
    if outcome == "stopped":
        return "stopped"
    if view.completed:
        return str(outcome) if outcome in _FINAL else "rejected"
    keys = {t.key for t in view.ready}
    waiting = [t for t in TASKS if t.id in keys]
    # An applicant's task waiting again after a return wins over anything else that waits.
    for task in waiting:
        if task.status == _RETURNED or (task.resubmitted_after and figures.get(task.resubmitted_after, 0)):
            return _RETURNED
    for task in waiting:
        if task.resubmitted_after is not None:
            return task.status
    if waiting:
        return waiting[0].status
    if "payment_confirmed" in view.messages:
        return "payment"
    if "objection" in view.messages:
        return "notice"
    raise ValueError(f"the case waits for nothing the lifecycle knows: {sorted(keys)} {view.messages}")
