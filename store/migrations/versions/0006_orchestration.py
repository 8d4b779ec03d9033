"""orchestration: work claims (row locks with leases), operator alerts, SLA reminders sent, kept reports

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'work_claim',
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('claimed_until', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'item_id'),
    )
    op.create_table(
        'operator_alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('raised_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.Column('notified', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'case_id', 'detail'),
    )
    op.create_table(
        'sla_reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('human_task_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('due_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case.id']),
        sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('human_task_id', 'kind'),
    )
    op.create_index(op.f('ix_sla_reminder_case_id'), 'sla_reminder', ['case_id'], unique=False)
    op.create_table(
        'report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column('format', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('created_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'period', 'format'),
    )
    op.create_index('ix_report_period', 'report', ['period'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_report_period', table_name='report')
    op.drop_table('report')
    op.drop_index(op.f('ix_sla_reminder_case_id'), table_name='sla_reminder')
    op.drop_table('sla_reminder')
    op.drop_table('operator_alert')
    op.drop_table('work_claim')
