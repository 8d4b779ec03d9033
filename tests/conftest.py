"""Shared fixtures: databases (SQLite in memory, PostgreSQL when reachable), clock, calendar."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, text

from bpmn.clock import VirtualClock
from domain.calendar import SHANGHAI, BusinessCalendar
from store.db import create_schema, drop_schema, make_engine

POSTGRES_URL = os.environ.get("SUBSIDYFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_engine() -> Engine:
    """The test PostgreSQL database; skipped when unreachable, except under CI=true where that fails."""
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as err:  # noqa: BLE001 - any connection failure means "not reachable"
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true and is unreachable at {POSTGRES_URL}: {err}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}")
    return engine


@pytest.fixture
def sqlite_db() -> Engine:
    engine = make_engine("sqlite://")
    create_schema(engine)
    return engine


@pytest.fixture
def postgres_db() -> Iterator[Engine]:
    engine = postgres_engine()
    drop_schema(engine)
    create_schema(engine)
    yield engine
    drop_schema(engine)
    engine.dispose()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def calendar() -> BusinessCalendar:
    return BusinessCalendar()
