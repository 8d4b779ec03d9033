"""A task's JSON Schema as fields a template can draw: kind, Chinese label, help, options, value, error.

The kinds map to one Jinja2 macro each (templates/form_macros.html): a string enum → radio or select,
boolean → checkbox, integer / number → number, ``format: date`` → date, a long string → textarea,
an array of enum strings → checkboxes, an array of objects → a table with one row per item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.validator import schema_for

EMPTY_ROWS = 1  # blank rows offered below a table's filled ones


@dataclass(frozen=True, slots=True)
class FieldView:
    """One field of a form as drawn: ``name`` is its path (``roster[3].id_number``)."""

    name: str
    label: str
    kind: str
    help: str = ""
    required: bool = False
    value: Any = None
    error: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    suffix: str = ""
    columns: tuple[FieldView, ...] = ()  # a table's columns
    rows: tuple[tuple[FieldView, ...], ...] = field(default=())  # a table's rows of cells


def _options(schema: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    titles: Mapping[str, str] = schema.get("x-enum-titles", {})
    return tuple((str(v), str(titles.get(str(v), v))) for v in schema.get("enum", ()))


def _kind(schema: Mapping[str, Any]) -> str:
    widget = str(schema.get("x-ui", {}).get("widget", ""))
    kind = schema.get("type")
    if widget == "evidence":  # the hashes of uploaded files (web/static/evidence.js)
        return "evidence"
    if kind == "array":
        return "table" if schema.get("items", {}).get("type") == "object" else "checkboxes"
    if "enum" in schema:
        return "radio" if widget == "radio" else "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return "number"
    if schema.get("format") == "date":
        return "date"
    return "textarea" if widget == "textarea" else "text"


def _ordered(schema: Mapping[str, Any]) -> list[str]:
    props: Mapping[str, Any] = schema.get("properties", {})
    order = [k for k in schema.get("x-order", ()) if k in props]
    return order + [k for k in props if k not in order]


def _field(
    name: str, schema: Mapping[str, Any], required: bool, value: Any, errors: Mapping[str, str]
) -> FieldView:
    kind = _kind(schema)
    label, help_text = str(schema.get("title", name)), str(schema.get("description", ""))
    suffix = str(schema.get("x-ui", {}).get("suffix", ""))
    if kind == "evidence":  # one row per cited hash, so that an error at evidence[i] is shown in place
        kinds = tuple((str(k), str(k)) for k in schema.get("x-ui", {}).get("kinds", ()))
        cited = [h for h in (value or []) if isinstance(h, str)]
        cells = tuple(
            (FieldView(f"{name}[{i}]", label, "text", "", False, h, errors.get(f"{name}[{i}]")),)
            for i, h in enumerate(cited)
        )
        return FieldView(name, label, kind, help_text, required, cited, errors.get(name), kinds, rows=cells)
    if kind == "checkboxes":
        options = _options(schema.get("items", {}))
        return FieldView(name, label, kind, help_text, required, value or [], errors.get(name), options)
    if kind != "table":
        shown = schema.get("default") if value is None else value
        return FieldView(
            name, label, kind, help_text, required, shown, errors.get(name), _options(schema), suffix
        )
    items: Mapping[str, Any] = schema.get("items", {})
    columns = tuple(
        _field(k, items["properties"][k], k in items.get("required", ()), None, {}) for k in _ordered(items)
    )
    filled = [row for row in (value or []) if isinstance(row, Mapping)]
    rows = tuple(
        tuple(
            _field(f"{name}[{i}].{c.name}", items["properties"][c.name], c.required, row.get(c.name), errors)
            for c in columns
        )
        for i, row in enumerate([*filled, *([{}] * EMPTY_ROWS)])
    )
    table_errors = [m for path, m in errors.items() if path == name]
    error = table_errors[0] if table_errors else None
    return FieldView(name, label, kind, help_text, required, None, error, (), suffix, columns, rows)


def form_fields(form_id: str, values: Mapping[str, Any], errors: Mapping[str, str]) -> list[FieldView]:
    """The form's fields in ``x-order``, filled with ``values`` and their errors by path."""
    schema = schema_for(form_id)
    required = set(schema.get("required", ()))
    props: Mapping[str, Any] = schema["properties"]
    return [_field(k, props[k], k in required, values.get(k), errors) for k in _ordered(schema)]


def is_review(form_id: str) -> bool:
    """A review form (decision approve / return / reject, and a comment): drawn as three buttons."""
    props: Mapping[str, Any] = schema_for(form_id).get("properties", {})
    decisions = set(props.get("decision", {}).get("enum", ()))
    return set(props) == {"decision", "comment"} and {"approve", "return"} <= decisions


def decision_titles(form_id: str) -> dict[str, str]:
    """The Chinese names of a review form's decisions."""
    props: Mapping[str, Any] = schema_for(form_id).get("properties", {})
    return dict(_options(props.get("decision", {})))
