"""Form validation: data of a user task or event → its typed record, or every refused field in form order."""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.protocols import Validator

from domain.errors import ErrorCode, Refused, Violation
from domain.records import TaskInput
from forms.binding import bind
from forms.bounds import MAX_DEPTH, out_of_bounds
from forms.catalogue import EVENT_IDS, FORM_IDS, TASK_IDS, check_form_id, field_order, load_schema, schema_for
from forms.messages import Finding, field_path, findings, order_key

__all__ = [
    "EVENT_IDS",
    "FORM_IDS",
    "TASK_IDS",
    "FormResult",
    "field_order",
    "schema_for",
    "validate",
]


def _is_integer(_checker: object, instance: object) -> bool:
    """Strict integer: neither a bool nor an integral float (40.0) counts."""
    return isinstance(instance, int) and not isinstance(instance, bool)


def _is_number(_checker: object, instance: object) -> bool:
    """Strict number: an int or a finite float, never a bool, NaN or infinity."""
    return _is_integer(_checker, instance) or (isinstance(instance, float) and math.isfinite(instance))


# The stubs leave extend() untyped; it returns a Draft 2020-12 validator class with our type checker.
_StrictValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"integer": _is_integer, "number": _is_number}
    ),
)


@cache
def _validator(form_id: str) -> Validator:
    """The compiled validator of a form; ``date`` formats are really checked."""
    compiled: Validator = _StrictValidator(
        load_schema(form_id), format_checker=FormatChecker(formats=("date",))
    )
    return compiled


@dataclass(frozen=True)
class FormResult:
    """The outcome of a form: its typed record, or every refused field in form order."""

    value: TaskInput | None
    errors: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        """True when the form was accepted."""
        return not self.errors

    def unwrap(self) -> TaskInput:
        """The typed record; raises Refused with every violation when the form was refused."""
        if self.value is None:
            raise Refused(self.errors)
        return self.value


def _normalize(value: Any, schema: Mapping[str, Any]) -> Any:
    """A JSON-shaped copy: date objects of date fields as ISO strings, strings trimmed, tuples as lists."""
    if isinstance(value, Mapping):
        props: Mapping[str, Any] = schema.get("properties", {})
        return {str(k): _normalize(v, props.get(str(k), {})) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalize(v, schema.get("items", {})) for v in value]
    if isinstance(value, str):
        return value.strip()
    # YAML reads 2026-03-09 as a date; a datetime is not a date here.
    if schema.get("format") == "date" and isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


_PINNED: dict[str, Validator] = {}


def _validator_of(form_id: str, schema: Mapping[str, Any] | None) -> Validator:
    """The compiled validator of the release's form, or of a deployment's own copy (cached by content)."""
    if schema is None:
        return _validator(form_id)
    key = hashlib.sha256(json.dumps(schema, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    found = _PINNED.get(key)
    if found is None:
        # compiled from a copy: a caller editing its dict later must not change what this key checks
        found = _StrictValidator(copy.deepcopy(dict(schema)), format_checker=FormatChecker(formats=("date",)))
        _PINNED[key] = found
    return found


def _refused_fields(
    form_id: str, data: dict[str, Any], out_of_range: list[Finding], schema: Mapping[str, Any] | None = None
) -> list[Finding]:
    """Every refused field of the data, one finding per field, in form order."""
    root = schema if schema is not None else load_schema(form_id)
    best: dict[tuple[str | int, ...], Finding] = {}
    from_schema = [
        f for error in _validator_of(form_id, schema).iter_errors(data) for f in findings(error, root)
    ]
    for finding in [*from_schema, *out_of_range]:
        kept = best.get(finding.path)
        if kept is None or finding.rank < kept.rank:
            best[finding.path] = finding
    return sorted(best.values(), key=lambda f: order_key(root, f.path))


def validate(task_id: str, data: Mapping[str, Any], schema: Mapping[str, Any] | None = None) -> FormResult:
    """Check a task's (or event's) form data against its schema and build the typed record.

    ``schema``: the form as the case's pinned deployment holds it (default: the release's form).
    """
    check_form_id(task_id)
    if not isinstance(data, Mapping):
        kind = type(data).__name__
        message = f"表单数据须为一组「字段: 值」，收到的是 {kind}，请按表单逐项填写"
        return FormResult(None, (Violation(ErrorCode.INVALID_FIELD, None, message),))
    root = schema if schema is not None else load_schema(task_id)
    out_of_range = out_of_bounds(data, root)
    clean: dict[str, Any] = {}
    if any(len(f.path) >= MAX_DEPTH for f in out_of_range):  # too deep to walk again: refuse now
        refused = sorted(out_of_range, key=lambda f: order_key(root, f.path))
    else:
        clean = _normalize(data, root)
        refused = _refused_fields(task_id, clean, out_of_range, schema)
    if refused:
        errors = tuple(Violation(ErrorCode.INVALID_FIELD, field_path(f.path), f.message) for f in refused)
        return FormResult(None, errors)
    return FormResult(bind(task_id, clean), ())
