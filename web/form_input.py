"""A posted HTML form → the JSON-shaped data of a task's schema (numbers, booleans, table rows).

Nothing is judged here: a value that is not a number stays text, so that the form validator
refuses it with its own Chinese message and field path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData

from forms.validator import schema_for

_CELL = re.compile(r"^(?P<table>\w+)\[(?P<row>\d{1,4})\]\.(?P<col>\w+)$")
MAX_ROWS = 1000


def _scalar(raw: str, schema: Mapping[str, Any]) -> Any:
    text = raw.strip()
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number
    except ValueError:
        return text
    return text


def _table(form: FormData, name: str, items: Mapping[str, Any]) -> list[dict[str, Any]]:
    props: Mapping[str, Any] = items.get("properties", {})
    rows: dict[int, dict[str, Any]] = {}
    for key, raw in form.multi_items():
        cell = _CELL.match(key)
        if cell is None or cell["table"] != name or cell["col"] not in props or not isinstance(raw, str):
            continue
        row = int(cell["row"])
        if row < MAX_ROWS and raw.strip():
            rows.setdefault(row, {})[cell["col"]] = _scalar(raw, props[cell["col"]])
    return [rows[i] for i in sorted(rows)]


def form_data(form_id: str, form: FormData) -> dict[str, Any]:
    """The task's data from a posted form: empty fields left out, checkboxes true or false."""
    props: Mapping[str, Any] = schema_for(form_id).get("properties", {})
    data: dict[str, Any] = {}
    for name, schema in props.items():
        kind = schema.get("type")
        if kind == "boolean":
            data[name] = form.get(name) in ("on", "true", "1")
        elif kind == "array" and schema.get("items", {}).get("type") == "object":
            rows = _table(form, name, schema["items"])
            if rows:
                data[name] = rows
        elif kind == "array":
            data[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
        else:
            raw = form.get(name)
            if isinstance(raw, str) and raw.strip():
                data[name] = _scalar(raw, schema)
    return data
