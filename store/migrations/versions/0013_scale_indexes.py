"""indexes for a national year: an institution's classes by start date, a notice's objections

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-02 01:20:00.000000

Every opening application sums its institution's classes of the year against the institution's line
of the year's plan (004 attachment 1); the query scanned the whole ``case`` table (SQLite's query
plan in a simulated year: ``SCAN case``). A notice's objections were found by scanning ``objection``.
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_institution_start", "case", ["institution", "start_date"], unique=False)
    op.create_index(op.f("ix_objection_notice_id"), "objection", ["notice_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_objection_notice_id"), table_name="objection")
    op.drop_index("ix_case_institution_start", table_name="case")
