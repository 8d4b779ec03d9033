"""The form catalogue: one JSON Schema per user task and event (forms/task_definitions.py), as package data."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from typing import Any

from forms.task_definitions import EVENTS, TASKS

TASK_IDS: tuple[str, ...] = tuple(t.id for t in TASKS)
EVENT_IDS: tuple[str, ...] = tuple(e.id for e in EVENTS)
# One form per task and event, in their order (a form several tasks share is listed once).
FORM_IDS: tuple[str, ...] = tuple(dict.fromkeys([*(t.form for t in TASKS), *(e.form for e in EVENTS)]))


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
