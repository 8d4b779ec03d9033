"""Field paths of refused fields stay distinct, whatever the keys (regression: two violations on field "")."""

from __future__ import annotations

from forms.messages import field_path
from forms.validator import validate


def test_keys_that_are_empty_or_hold_separators_are_quoted() -> None:
    """An empty key, or one holding '.', '[' or ']', is written ["…"], so distinct paths never share a name."""
    assert field_path(("",)) == '[""]'
    assert field_path(("", "")) == '[""][""]'
    assert field_path(("a.b",)) == '["a.b"]'
    assert field_path(("a", "b")) == "a.b"
    assert field_path(("roster", 0, "x]")) == 'roster[0]["x]"]'
    assert field_path(("roster", 3, "id_number")) == "roster[3].id_number"


def test_one_violation_per_field_with_an_empty_key_nested() -> None:
    """The case hypothesis found: {'': {'': 1000000001.0}} gives two violations on two distinct fields."""
    result = validate("opening_application", {"": {"": 1000000001.0}})
    fields = [v.field for v in result.errors]
    assert len(set(fields)) == len(fields)
    assert '[""]' in fields
    assert '[""][""]' in fields
