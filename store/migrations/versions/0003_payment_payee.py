"""payee of a payment: kind, name and bank account (004 (三)4: 由个人、企业或培训机构申领)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payee_kind', sqlmodel.sql.sqltypes.AutoString(length=20), server_default='institution', nullable=False))
        batch_op.add_column(sa.Column('payee_name', sqlmodel.sql.sqltypes.AutoString(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bank_name', sqlmodel.sql.sqltypes.AutoString(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bank_account', sqlmodel.sql.sqltypes.AutoString(length=30), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('bank_account')
        batch_op.drop_column('bank_name')
        batch_op.drop_column('payee_name')
        batch_op.drop_column('payee_kind')
