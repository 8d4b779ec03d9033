"""The form catalogue: one JSON Schema per user task and event, shipped as package data."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from typing import Any

TASK_IDS: tuple[str, ...] = (
    "opening_application",
    "opening_first_review",
    "opening_recheck",
    "opening_approval",
    "opening_day_check",
    "spot_check",
    "assessment_request",
    "assessment_result",
    "subsidy_claim",
    "claim_first_review",
    "claim_recheck",
    "objection_investigation",
    "payment_approval",
    "disbursement",
    "recovery",
)
EVENT_IDS: tuple[str, ...] = ("objection", "fraud", "rectification")
FORM_IDS: tuple[str, ...] = TASK_IDS + EVENT_IDS


def check_form_id(form_id: str) -> None:
    """Raise ValueError unless ``form_id`` names a form of the catalogue."""
    if form_id not in FORM_IDS:
        raise ValueError(f"no form for task id {form_id!r}; known: {', '.join(FORM_IDS)}")


@cache
def load_schema(form_id: str) -> dict[str, Any]:
    """The shared, cached schema of a form: read it, never change it."""
    check_form_id(form_id)
    resource = files("forms") / "schemas" / f"{form_id}.json"
    schema: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return schema


def schema_for(form_id: str) -> dict[str, Any]:
    """A copy of the JSON Schema of a task's (or event's) form, with Chinese labels and UI hints."""
    return copy.deepcopy(load_schema(form_id))


def field_order(form_id: str) -> tuple[str, ...]:
    """The form's top-level field names in the order the form shows them."""
    return tuple(load_schema(form_id)["x-order"])
