"""discarded messages: a message nobody claimed, set aside by a process admin (kept, never deleted)

Revision ID: c4e7a19d2b58
Revises: c7e2a91d4b58
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = 'c4e7a19d2b58'
down_revision = 'c7e2a91d4b58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discarded_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('discarded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('discard_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_process_message_discarded_by_id_user'), 'user',
                                    ['discarded_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('process_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_process_message_discarded_by_id_user'), type_='foreignkey')
        batch_op.drop_column('discard_reason')
        batch_op.drop_column('discarded_by_id')
        batch_op.drop_column('discarded_at')
