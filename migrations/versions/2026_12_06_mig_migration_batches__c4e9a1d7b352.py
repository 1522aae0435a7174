"""migration batches: moving running instances to another version of their process, one item per instance

Revision ID: c4e9a1d7b352
Revises: c4e7a19d2b58
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = 'c4e9a1d7b352'
down_revision = 'c4e7a19d2b58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'migration_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('selection', sa.JSON(), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reverse_of_id', sa.Integer(), nullable=True),
        sa.Column('planned_at', UTCDateTime(), nullable=False),
        sa.Column('planned_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', UTCDateTime(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('started_at', UTCDateTime(), nullable=True),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['source_id'], ['process_definition.id'],
                                name=op.f('fk_migration_batch_source_id_process_definition')),
        sa.ForeignKeyConstraint(['target_id'], ['process_definition.id'],
                                name=op.f('fk_migration_batch_target_id_process_definition')),
        sa.ForeignKeyConstraint(['reverse_of_id'], ['migration_batch.id'],
                                name=op.f('fk_migration_batch_reverse_of_id_migration_batch'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['planned_by_id'], ['user.id'],
                                name=op.f('fk_migration_batch_planned_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'],
                                name=op.f('fk_migration_batch_approved_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['started_by_id'], ['user.id'],
                                name=op.f('fk_migration_batch_started_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_migration_batch')),
    )
    op.create_index(op.f('ix_migration_batch_process_key'), 'migration_batch', ['process_key'])
    op.create_index(op.f('ix_migration_batch_status'), 'migration_batch', ['status'])
    op.create_table(
        'migration_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('active', sa.JSON(), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('done_at', UTCDateTime(), nullable=True),
        sa.Column('millis', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['migration_batch.id'],
                                name=op.f('fk_migration_item_batch_id_migration_batch'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                                name=op.f('fk_migration_item_instance_id_process_instance'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_migration_item')),
        sa.UniqueConstraint('batch_id', 'instance_id', name=op.f('uq_migration_item_batch_id_instance_id')),
    )
    op.create_index(op.f('ix_migration_item_batch_id'), 'migration_item', ['batch_id'])
    op.create_index(op.f('ix_migration_item_instance_id'), 'migration_item', ['instance_id'])
    op.create_index(op.f('ix_migration_item_status'), 'migration_item', ['status'])


def downgrade():
    op.drop_index(op.f('ix_migration_item_status'), table_name='migration_item')
    op.drop_index(op.f('ix_migration_item_instance_id'), table_name='migration_item')
    op.drop_index(op.f('ix_migration_item_batch_id'), table_name='migration_item')
    op.drop_table('migration_item')
    op.drop_index(op.f('ix_migration_batch_status'), table_name='migration_batch')
    op.drop_index(op.f('ix_migration_batch_process_key'), table_name='migration_batch')
    op.drop_table('migration_batch')
