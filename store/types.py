"""Column types: timezone-aware instants that survive SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class AwareDateTime(TypeDecorator[datetime]):
    """Stores instants in UTC and always returns them timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive instants; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: every instant is timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Back as an aware UTC instant."""
        if value is None:
            return None
        assert isinstance(value, datetime)  # noqa: S101 - the column holds datetimes only
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
