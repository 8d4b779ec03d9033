"""deployments as versions: number, who deployed it and why, the period it is in force

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03 09:00:00.000000

A deployment made by `subsidyflow deploy` is numbered 1, 2, … and carries who deployed it, why and
its effective period; one recorded for a case filed on the settings' files keeps these NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deployment') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('deployed_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch.add_column(sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch.add_column(sa.Column('effective_from', sa.Date(), nullable=True))
        batch.add_column(sa.Column('effective_until', sa.Date(), nullable=True))
        batch.create_unique_constraint('uq_deployment_version', ['version'])


def downgrade() -> None:
    with op.batch_alter_table('deployment') as batch:
        batch.drop_constraint('uq_deployment_version', type_='unique')
        batch.drop_column('effective_until')
        batch.drop_column('effective_from')
        batch.drop_column('reason')
        batch.drop_column('deployed_by')
        batch.drop_column('version')
