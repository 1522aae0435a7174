"""studio publish: change notes on versions, and publish requests awaiting a second admin

Revision ID: b61d3f9a07c2
Revises: 8f3a6c2e1d47
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = 'b61d3f9a07c2'
down_revision = '8f3a6c2e1d47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_definition') as batch:
        batch.add_column(sa.Column('change_note', sa.Text(), nullable=True))
        batch.add_column(sa.Column('published_from_draft', sa.Integer(), nullable=True))
    op.create_table(
        'studio_publish_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=True),
        sa.Column('xml', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('requested_at', UTCDateTime(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('published_version', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'],
                                name=op.f('fk_studio_publish_request_requested_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'],
                                name=op.f('fk_studio_publish_request_decided_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_publish_request')),
    )
    op.create_index(op.f('ix_studio_publish_request_process_key'), 'studio_publish_request', ['process_key'])


def downgrade():
    op.drop_index(op.f('ix_studio_publish_request_process_key'), table_name='studio_publish_request')
    op.drop_table('studio_publish_request')
    with op.batch_alter_table('process_definition') as batch:
        batch.drop_column('published_from_draft')
        batch.drop_column('change_note')
