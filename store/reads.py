"""Column reads on the session's connection: the reads every command and due-work step makes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable, Result
from sqlmodel import Session


def read_rows(session: Session, stmt: Executable, params: Mapping[str, Any] | None = None) -> Result[Any]:
    """Run a column read (no ORM objects) on the session's connection, flushed first as the ORM would.

    The same rows as ``session.exec``, without the ORM's per-statement machinery: ~12 µs instead of
    ~39 µs for the next-timer read (a built-once statement, SQLite in memory).
    """
    session.flush()  # what autoflush would do: rows this session added are seen
    return session.connection().execute(stmt, dict(params or {}))
