"""notifications: the outbox (one row per message and address, with its attempts) and each user's channels

Revision ID: 0005
Revises: 0008
Create Date: 2026-12-02 12:00:00.000000

Numbered 0005 as planned, chained onto the head that existed when it was written (0008).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types


revision = '0005'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', store.types.AwareDateTime(timezone=True), nullable=True),
        sa.Column('claim_token', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column('created_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', store.types.AwareDateTime(timezone=True), nullable=True),
        sa.Column('read_at', store.types.AwareDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dedupe_key'),
    )
    op.create_index(op.f('ix_notification_case_id'), 'notification', ['case_id'], unique=False)
    op.create_index(op.f('ix_notification_status'), 'notification', ['status'], unique=False)
    op.create_index(
        'ix_notification_due', 'notification', ['next_attempt_at'], unique=False,
        sqlite_where=sa.text('next_attempt_at IS NOT NULL'), postgresql_where=sa.text('next_attempt_at IS NOT NULL'),
    )
    op.create_index('ix_notification_inbox', 'notification', ['recipient', 'channel', 'status'], unique=False)
    op.create_table(
        'user_channel',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('chosen_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('username', 'channel', 'address'),
    )
    op.create_index(op.f('ix_user_channel_username'), 'user_channel', ['username'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_user_channel_username'), table_name='user_channel')
    op.drop_table('user_channel')
    op.drop_index('ix_notification_inbox', table_name='notification')
    op.drop_index('ix_notification_due', table_name='notification')
    op.drop_index(op.f('ix_notification_status'), table_name='notification')
    op.drop_index(op.f('ix_notification_case_id'), table_name='notification')
    op.drop_table('notification')
