"""evidence: sign-in sheets, photos, recording references and plans attached to a case's tasks

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-04 09:00:00.000000

Each row is a file kept by its content hash (sha256) under the evidence directory, uploaded for one
case: its size, the media type read from its magic bytes, the name it was uploaded under, its kind
(签到表 / 现场照片 / 录像索引 / 教学计划 / 其他), who uploaded it and when (004 (三)2).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision = '0011'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'evidence',
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('original_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('uploaded_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('uploaded_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case.id']),
        sa.PrimaryKeyConstraint('sha256', 'case_id'),
    )
    with op.batch_alter_table('evidence') as batch:
        batch.create_index(batch.f('ix_evidence_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('evidence') as batch:
        batch.drop_index(batch.f('ix_evidence_case_id'))
    op.drop_table('evidence')
