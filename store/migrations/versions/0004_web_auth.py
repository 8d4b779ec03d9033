"""web sign-in lock-out (app_user.failed_logins, locked_until) and the inbox's index on human_task

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', store.types.AwareDateTime(timezone=True), nullable=True))
    op.create_index('ix_human_task_inbox', 'human_task', ['status', 'role', 'due_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_human_task_inbox', table_name='human_task')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
