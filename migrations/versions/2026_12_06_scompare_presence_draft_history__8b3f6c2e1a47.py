"""studio presence (who has a draft open) and discarded drafts kept for restoring

Revision ID: 8b3f6c2e1a47
Revises: b61d3f9a07c2
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = '8b3f6c2e1a47'
down_revision = 'b61d3f9a07c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'studio_presence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('seen_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_studio_presence_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_presence')),
        sa.UniqueConstraint('process_key', 'user_id', name=op.f('uq_studio_presence_process_key_user_id')),
    )
    op.create_index('ix_studio_presence_key_seen', 'studio_presence', ['process_key', 'seen_at'])
    op.create_table(
        'studio_draft_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=True),
        sa.Column('xml', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('discarded_at', UTCDateTime(), nullable=False),
        sa.Column('discarded_by_id', sa.Integer(), nullable=True),
        sa.Column('restored_at', UTCDateTime(), nullable=True),
        sa.Column('restored_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_studio_draft_history_updated_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['discarded_by_id'], ['user.id'],
                                name=op.f('fk_studio_draft_history_discarded_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['restored_by_id'], ['user.id'],
                                name=op.f('fk_studio_draft_history_restored_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_draft_history')),
    )
    op.create_index('ix_studio_draft_history_key_discarded', 'studio_draft_history', ['process_key', 'discarded_at'])


def downgrade():
    op.drop_index('ix_studio_draft_history_key_discarded', table_name='studio_draft_history')
    op.drop_table('studio_draft_history')
    op.drop_index('ix_studio_presence_key_seen', table_name='studio_presence')
    op.drop_table('studio_presence')
