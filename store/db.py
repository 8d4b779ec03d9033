"""Database engines and sessions: SQLite in ./var by default, PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

import store.personal  # noqa: F401 - registers the personal-data tables (and fills look-up refs)
from store import (  # noqa: F401 - registers tables on the metadata
    audit_tables,
    evidence_tables,
    modeler_tables,
    orchestration_tables,
    outbox_tables,
    tables,
    web_tables,
)

DEFAULT_PATH = Path("var") / "subsidyflow.db"


def database_url() -> str:
    """`SUBSIDYFLOW_DATABASE_URL`, or the embedded SQLite file under ./var."""
    url = os.environ.get("SUBSIDYFLOW_DATABASE_URL")
    if url:
        return url
    DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_PATH}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the configured database), with SQLite pragmas set."""
    url = url or database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url == "sqlite://":
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    elif url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_schema(engine: Engine) -> None:
    """Create every table directly (throw-away databases: scenarios, tests)."""
    SQLModel.metadata.create_all(engine)


def drop_schema(engine: Engine) -> None:
    """Drop every table (tests against a shared PostgreSQL database)."""
    SQLModel.metadata.drop_all(engine)
