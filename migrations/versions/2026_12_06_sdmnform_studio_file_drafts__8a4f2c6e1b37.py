"""studio file drafts: one shared, revision-counted unpublished DMN table or form per file name, with its test rows

Revision ID: 8a4f2c6e1b37
Revises: 5d1e7a3c9b24
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = '8a4f2c6e1b37'
down_revision = '5d1e7a3c9b24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'studio_file_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('base_hash', sa.String(length=64), nullable=True),
        sa.Column('test_rows', sa.Text(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_studio_file_draft_updated_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_file_draft')),
        sa.UniqueConstraint('name', name=op.f('uq_studio_file_draft_name')),
    )


def downgrade():
    op.drop_table('studio_file_draft')
