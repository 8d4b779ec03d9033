"""user_role: who holds each role, indexed, beside app_user.roles

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:20:00.000000

Every notification addressed to a role ("the reviewers") read the whole user table to find its holders
(0.6 s at 100,000 users, most of them applicants). ``user_role`` has one row per (user, role), written
with ``app_user.roles`` by the mapper events in store/tables.py; filled here from the users there.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_role',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('user_id', 'role'),
    )
    op.create_index(op.f('ix_user_role_role'), 'user_role', ['role'], unique=False)
    connection = op.get_bind()
    users = connection.execute(sa.text("SELECT id, roles FROM app_user")).all()
    rows = []
    for user_id, roles in users:
        held = json.loads(roles) if isinstance(roles, str) else roles
        rows.extend({"user_id": user_id, "role": role} for role in dict.fromkeys(held or []))
    if rows:
        table = sa.table('user_role', sa.column('user_id', sa.Integer()), sa.column('role', sa.String()))
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index(op.f('ix_user_role_role'), table_name='user_role')
    op.drop_table('user_role')
