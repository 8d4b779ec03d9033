"""contract v2: applicant kind, credit code and project type of a case; enterprises; plan lines

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 06:08:01.957546
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
import store.types
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('credit_code')
    )
    op.create_table('plan_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('institution', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('project_type', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan_line', schema=None) as batch_op:
        batch_op.create_index('ix_plan_line_year_institution', ['year', 'institution'], unique=False)

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_kind', sqlmodel.sql.sqltypes.AutoString(length=20), server_default='institution', nullable=False))
        batch_op.add_column(sa.Column('credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True))
        batch_op.add_column(sa.Column('project_type', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('project_type')
        batch_op.drop_column('credit_code')
        batch_op.drop_column('applicant_kind')

    with op.batch_alter_table('plan_line', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_line_year_institution')

    op.drop_table('plan_line')
    op.drop_table('enterprise')
