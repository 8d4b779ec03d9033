"""audit anchors (anchor, anchor_leaf) and the database's guard: events, anchors and cases are never deleted

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 07:00:00.000000

Triggers refuse UPDATE and DELETE on case_event, anchor and anchor_leaf, DELETE on case, and any
UPDATE of an archived case (ARCHITECTURE "State, events and replay": no UPDATE or DELETE ever
touches the log; nothing is ever deleted). On SQLite a trigger does RAISE(ABORT); on PostgreSQL
one function raises for every guarded table.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types


revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None

# (table, operations refused)
GUARDED = (
    ('case_event', ('UPDATE', 'DELETE')),
    ('anchor', ('UPDATE', 'DELETE')),
    ('anchor_leaf', ('UPDATE', 'DELETE')),
    ('case', ('DELETE',)),
)
MESSAGE = 'subsidyflow: {table} is append-only ({op} refused)'
ARCHIVED = 'subsidyflow: an archived case is read-only (UPDATE refused)'


def _trigger(table: str, operation: str) -> str:
    return f'{table}_no_{operation.lower()}'


def upgrade() -> None:
    op.create_table(
        'anchor',
        sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('root', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('signature', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('created_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )
    op.create_table(
        'anchor_leaf',
        sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case.id']),
        sa.ForeignKeyConstraint(['day'], ['anchor.day']),
        sa.PrimaryKeyConstraint('day', 'case_id'),
    )
    op.create_index(op.f('ix_anchor_leaf_case_id'), 'anchor_leaf', ['case_id'], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(
            "CREATE OR REPLACE FUNCTION subsidyflow_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'subsidyflow: % is append-only (% refused)', TG_TABLE_NAME, TG_OP; END; "
            "$$ LANGUAGE plpgsql"
        )
    for table, operations in GUARDED:
        for operation in operations:
            name = _trigger(table, operation)
            if dialect == 'postgresql':
                op.execute(
                    f'CREATE TRIGGER {name} BEFORE {operation} ON "{table}" '
                    'FOR EACH ROW EXECUTE FUNCTION subsidyflow_append_only()'
                )
            elif dialect == 'sqlite':
                message = MESSAGE.format(table=table, op=operation)
                op.execute(
                    f'CREATE TRIGGER {name} BEFORE {operation} ON "{table}" '
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
    if dialect == 'postgresql':
        op.execute(
            "CREATE OR REPLACE FUNCTION subsidyflow_archived_read_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{ARCHIVED}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            'CREATE TRIGGER case_archived_read_only BEFORE UPDATE ON "case" FOR EACH ROW '
            "WHEN (OLD.status = 'archived') EXECUTE FUNCTION subsidyflow_archived_read_only()"
        )
    elif dialect == 'sqlite':
        op.execute(
            'CREATE TRIGGER case_archived_read_only BEFORE UPDATE ON "case" '
            f"WHEN OLD.status = 'archived' BEGIN SELECT RAISE(ABORT, '{ARCHIVED}'); END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS case_archived_read_only ON "case"')
        op.execute('DROP FUNCTION IF EXISTS subsidyflow_archived_read_only()')
    elif dialect == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS case_archived_read_only')
    for table, operations in GUARDED:
        for operation in operations:
            name = _trigger(table, operation)
            if dialect == 'postgresql':
                op.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            elif dialect == 'sqlite':
                op.execute(f'DROP TRIGGER IF EXISTS {name}')
    if dialect == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS subsidyflow_append_only()')
    op.drop_index(op.f('ix_anchor_leaf_case_id'), table_name='anchor_leaf')
    op.drop_table('anchor_leaf')
    op.drop_table('anchor')
