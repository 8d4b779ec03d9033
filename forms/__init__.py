"""Forms of the lifecycle: one JSON Schema per user task, validation into typed records, roster import."""

from forms.roster_file import RosterImport, RosterRowError, read_roster, to_violations
from forms.validator import (
    EVENT_IDS,
    FORM_IDS,
    TASK_IDS,
    FormResult,
    field_order,
    schema_for,
    validate,
)

__all__ = [
    "EVENT_IDS",
    "FORM_IDS",
    "TASK_IDS",
    "FormResult",
    "RosterImport",
    "RosterRowError",
    "field_order",
    "read_roster",
    "schema_for",
    "to_violations",
    "validate",
]
