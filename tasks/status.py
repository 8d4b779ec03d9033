"""The case status projection, derived from what the engine waits for (scenarios/README.md "status")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bpmn.engine import EngineView

_BY_TASK = {
    "opening_first_review": "opening_review",
    "opening_recheck": "opening_review",
    "opening_approval": "opening_review",
    "opening_day_check": "approved",
    "spot_check": "training",
    "assessment_request": "training",
    "assessment_result": "assessment",
    "claim_first_review": "claim_review",
    "claim_recheck": "claim_review",
    "objection_investigation": "investigation",
    "payment_approval": "payment",
    "disbursement": "payment",
    "recovery": "stopped",
}
_FINAL = {"paid", "rejected", "cancelled", "stopped"}


def derive_status(view: EngineView, figures: Mapping[str, Any]) -> str:
    """Status from the ready tasks and waiting events; a return sends the case to `returned`."""
    outcome = figures.get("outcome")
    if outcome == "stopped":
        return "stopped"
    if view.completed:
        return str(outcome) if outcome in _FINAL else "rejected"
    keys = {t.key for t in view.ready}
    if "opening_application" in keys:
        return "returned"
    if "subsidy_claim" in keys:
        return "returned" if figures.get("claims_filed", 0) else "claim"
    for key, status in _BY_TASK.items():
        if key in keys:
            return status
    if "payment_confirmed" in view.messages:
        return "payment"
    if "objection" in view.messages:
        return "notice"
    raise ValueError(f"the case waits for nothing the lifecycle knows: {sorted(keys)} {view.messages}")
