"""The forms package's public names."""

from __future__ import annotations

import forms


def test_public_names_are_pinned() -> None:
    assert forms.__all__ == [
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
    assert all(hasattr(forms, name) for name in forms.__all__)
