"""Shared fixtures: databases (SQLite in memory, PostgreSQL when reachable), clock, calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine
from tests_support import postgres_engine

from bpmn.clock import VirtualClock
from domain.calendar import SHANGHAI, BusinessCalendar
from store.db import create_schema, drop_schema, make_engine


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
