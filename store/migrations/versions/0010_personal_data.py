"""personal data apart from the log: the encrypted vault, its reads, and references on rosters and records

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-01 08:00:00.000000

``personal_data`` keeps each personal value encrypted under its salted reference, ``personal_read``
every read of one by a person (个人信息保护法). Roster lines and training records get the reference
of their ID number (indexed), filled here for the rows already there with the deployment's key
(store/personal.py: `SUBSIDYFLOW_DATA_KEY`, default var/data_key).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types
from store.personal import keyring_of

revision = '0010'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'personal_data',
        sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('ciphertext', sa.Text(), nullable=True),
        sa.Column('created_at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.Column('erased_at', store.types.AwareDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('ref'),
    )
    op.create_table(
        'personal_read',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('reader', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('at', store.types.AwareDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('personal_read') as batch:
        batch.create_index(batch.f('ix_personal_read_ref'), ['ref'], unique=False)
        batch.create_index(batch.f('ix_personal_read_case_id'), ['case_id'], unique=False)
    for table in ('roster_entry', 'training_record'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
            batch.create_index(batch.f(f'ix_{table}_ref'), ['ref'], unique=False)
    _fill_refs()


def _fill_refs() -> None:
    """The reference of every ID number already on a roster or in the training records."""
    bind = op.get_bind()
    ring = None
    for table in ('roster_entry', 'training_record'):
        rows = bind.execute(sa.text(f'SELECT id, id_number FROM {table}')).all()  # noqa: S608 - fixed names
        if rows and ring is None:
            ring = keyring_of(bind)
        for row_id, number in rows:
            assert ring is not None  # noqa: S101 - made above
            bind.execute(
                sa.text(f'UPDATE {table} SET ref = :ref WHERE id = :id'),  # noqa: S608 - fixed names
                {'ref': ring.ref('id_number', number), 'id': row_id},
            )


def downgrade() -> None:
    for table in ('training_record', 'roster_entry'):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f'ix_{table}_ref'))
            batch.drop_column('ref')
    with op.batch_alter_table('personal_read') as batch:
        batch.drop_index(batch.f('ix_personal_read_case_id'))
        batch.drop_index(batch.f('ix_personal_read_ref'))
    op.drop_table('personal_read')
    op.drop_table('personal_data')
