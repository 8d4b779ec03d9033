"""web pages: public objections' receipt numbers (and their throttle), the institutions' status audit trail

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'objection_receipt',
        sa.Column('objection_id', sa.Integer(), nullable=False),
        sa.Column('receipt', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('client', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('filed_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['objection_id'], ['objection.id']),
        sa.PrimaryKeyConstraint('objection_id'),
        sa.UniqueConstraint('receipt'),
    )
    op.create_index('ix_objection_receipt_client', 'objection_receipt', ['client', 'filed_at'], unique=False)
    op.create_table(
        'institution_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('institution', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_institution_event_institution'), 'institution_event', ['institution'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_institution_event_institution'), table_name='institution_event')
    op.drop_table('institution_event')
    op.drop_index('ix_objection_receipt_client', table_name='objection_receipt')
    op.drop_table('objection_receipt')
