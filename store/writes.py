"""Row inserts on the session's connection: the rows every command writes and never reads back as objects.

The ORM's unit of work costs far more than SQLite's insert for a row nobody holds afterwards (the
event, the new human tasks, timers, notifications of a command: ~40 % of a command's database
time). ``insert_rows`` writes the same column values the ORM would: the model's own defaults for
a column the caller leaves out, the same column types (JSON, aware datetimes) binding them, one
statement built once per table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Insert, insert
from sqlmodel import Session, SQLModel


@cache
def _plan(model: type[SQLModel]) -> tuple[Insert, tuple[str, ...], dict[str, Any]]:
    """The model's insert, its columns (the key left to the database), and its defaults."""
    table = model.__table__  # type: ignore[attr-defined]
    columns = tuple(c.key for c in table.columns if not c.primary_key)
    defaults: dict[str, Any] = {}
    for name in columns:
        field = model.model_fields.get(name)
        if field is not None and not field.is_required():
            if field.default_factory is not None:  # a fresh value per row, as the model makes one
                raise TypeError(f"{model.__name__}.{name}: a default factory; insert it with the ORM")
            defaults[name] = field.get_default()
    return insert(table), columns, defaults


def insert_rows(session: Session, model: type[SQLModel], rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` of ``model`` in the session's transaction (flushed first, as the ORM orders its writes).

    A column a row leaves out gets the model's default; a required one it leaves out is an error,
    as it would be for the ORM. Returns the number of rows written.
    """
    if not rows:
        return 0
    statement, columns, defaults = _plan(model)
    values = []
    for row in rows:
        missing = [c for c in columns if c not in row and c not in defaults]
        if missing:
            raise ValueError(f"{model.__name__}: no value for {', '.join(missing)}")
        unknown = set(row) - set(columns)
        if unknown:
            raise ValueError(f"{model.__name__}: no such column {', '.join(sorted(unknown))}")
        values.append({**defaults, **row})
    session.flush()
    session.connection().execute(statement, values)
    return len(values)
