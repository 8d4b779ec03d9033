"""modeler drafts: a process owner's saved BPMN/DMN files of the next deployment

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01 08:00:00.000000

The modeler pages keep each draft's files (name → XML), the version it was drawn from, who saved
it and when; deploying a draft stores its files as a new deployment version (0009).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'modeler_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=True),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('updated_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('modeler_draft')
