"""Alembic environment: runs against the connection handed over by store.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import store.personal_tables  # noqa: F401 - registers the personal-data tables
from store import (  # noqa: F401 - registers the tables
    audit_tables,
    evidence_tables,
    modeler_tables,
    orchestration_tables,
    outbox_tables,
    tables,
    web_tables,
)

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through store.migrate.upgrade(engine)")
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
