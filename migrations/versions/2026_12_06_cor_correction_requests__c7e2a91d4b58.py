"""corrections: requests to suspend, resume, move a token, skip a step or correct data, and a suspended status

Revision ID: c7e2a91d4b58
Revises: 3c7e91a4d2b5
Create Date: 2026-12-06 01:30:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = 'c7e2a91d4b58'
down_revision = '3c7e91a4d2b5'
branch_labels = None
depends_on = None

_OLD = ('running', 'completed', 'cancelled', 'error')
_NEW = _OLD + ('suspended',)


def upgrade():
    # The status enum is stored as text without a CHECK constraint: the new
    # value needs no table change, only the declared type follows the model.
    with op.batch_alter_table('process_instance') as batch:
        batch.alter_column('status', existing_type=sa.Enum(*_OLD, name='instancestatus', native_enum=False, length=16),
                           type_=sa.Enum(*_NEW, name='instancestatus', native_enum=False, length=16),
                           existing_nullable=False)
    op.create_table(
        'correction_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('instance_version', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', UTCDateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                                name=op.f('fk_correction_request_instance_id_process_instance')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'],
                                name=op.f('fk_correction_request_requested_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'],
                                name=op.f('fk_correction_request_decided_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_correction_request')),
    )
    op.create_index(op.f('ix_correction_request_instance_id'), 'correction_request', ['instance_id'])
    op.create_index(op.f('ix_correction_request_status'), 'correction_request', ['status'])


def downgrade():
    op.drop_index(op.f('ix_correction_request_status'), table_name='correction_request')
    op.drop_index(op.f('ix_correction_request_instance_id'), table_name='correction_request')
    op.drop_table('correction_request')
    # A suspended instance goes back to what it was: in error when it holds an error, else running.
    op.execute("UPDATE process_instance SET status = CASE WHEN error_message IS NULL THEN 'running' ELSE 'error' END "
               "WHERE status = 'suspended'")
    with op.batch_alter_table('process_instance') as batch:
        batch.alter_column('status', existing_type=sa.Enum(*_NEW, name='instancestatus', native_enum=False, length=16),
                           type_=sa.Enum(*_OLD, name='instancestatus', native_enum=False, length=16),
                           existing_nullable=False)
