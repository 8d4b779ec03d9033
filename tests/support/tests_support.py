"""Helpers shared by test modules: the PostgreSQL test database."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Engine, text

from store.db import make_engine

POSTGRES_URL = os.environ.get("SUBSIDYFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_engine() -> Engine:
    """The test PostgreSQL database; skipped when unreachable, except under CI=true where that fails."""
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as err:  # noqa: BLE001 - any connection failure means "not reachable"
        engine.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true and is unreachable at {POSTGRES_URL}: {err}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}")
    return engine
