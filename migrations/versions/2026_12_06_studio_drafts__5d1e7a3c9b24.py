"""studio drafts: one shared, revision-counted unpublished diagram per process key

Revision ID: 5d1e7a3c9b24
Revises: 5c8e2a7d9b13
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = '5d1e7a3c9b24'
down_revision = '5c8e2a7d9b13'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'studio_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=True),
        sa.Column('xml', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_studio_draft_updated_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_draft')),
        sa.UniqueConstraint('process_key', name=op.f('uq_studio_draft_process_key')),
    )


def downgrade():
    op.drop_table('studio_draft')
