"""The Alembic migration builds exactly the schema the tables declare (no drift), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel
from tests_support import postgres_engine

from store.db import drop_schema, make_engine
from store.migrate import upgrade


def _drift(engine: Engine) -> list[object]:
    upgrade(engine)
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))


def test_migration_matches_the_tables_on_sqlite() -> None:
    assert _drift(make_engine("sqlite://")) == []


@pytest.mark.postgres
def test_migration_matches_the_tables_on_postgres() -> None:
    engine = postgres_engine()
    drop_schema(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    try:
        assert _drift(engine) == []
    finally:
        drop_schema(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        engine.dispose()
