"""Sane ranges for the values of any form: integers the database can hold, dates in a plausible era,
data nested no deeper than a form ever is. Checked before the schema, without recursion, so that no
input reaches the rules, the calendar or the database with a value they cannot handle.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.bounds import MAX_INT, MAX_YEAR, MIN_YEAR, year_in_range, year_message
from forms.messages import Finding, Path, label

__all__ = ["MAX_DEPTH", "MAX_INT", "MAX_YEAR", "MIN_YEAR", "out_of_bounds", "year_in_range", "year_message"]

MAX_DEPTH = 50
_RANK = 3  # as a date format: after "required", "enum" and "type"


def int_message(name: str, value: int | float) -> str:
    """The refusal of a number beyond MAX_INT."""
    shown = str(value) if len(str(value)) <= 30 else f"{str(value)[:30]}…"  # noqa: PLR2004 - display only
    return f"{name} 的数值 {shown} 超出合理范围（绝对值不能大于 {MAX_INT}），请检查"


def too_deep_message(name: str) -> str:
    """The refusal of data nested deeper than any form."""
    return f"{name} 嵌套层数超过 {MAX_DEPTH} 层，请按表单填写"


def _child(schema: Mapping[str, Any], step: str | int) -> Mapping[str, Any]:
    sub = schema.get("items") if isinstance(step, int) else schema.get("properties", {}).get(step)
    return sub if isinstance(sub, Mapping) else {}


def _date_of(value: Any, schema: Mapping[str, Any]) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and schema.get("format") == "date":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None  # the schema's format check names it
    return None


def out_of_bounds(data: Any, root: Mapping[str, Any]) -> list[Finding]:
    """One finding per value of ``data`` outside the sane ranges (``root`` is the form's schema)."""
    found: list[Finding] = []
    pending: list[tuple[Any, Path, Mapping[str, Any]]] = [(data, (), root)]
    while pending:
        value, path, schema = pending.pop()
        if isinstance(value, Mapping | list | tuple):
            if len(path) >= MAX_DEPTH:
                found.append(Finding(path, _RANK, too_deep_message(label(root, path))))
                continue
            items = value.items() if isinstance(value, Mapping) else enumerate(value)
            for key, sub in items:
                step = key if isinstance(key, int) and not isinstance(value, Mapping) else str(key)
                pending.append((sub, (*path, step), _child(schema, step)))
            continue
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float) and abs(value) > MAX_INT:
            found.append(Finding(path, _RANK, int_message(label(root, path), value)))
            continue
        day = _date_of(value, schema)
        if day is not None and not year_in_range(day):
            found.append(Finding(path, _RANK, year_message(label(root, path), day)))
    return found
