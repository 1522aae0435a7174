"""studio draft files: the forms and decision tables kept with a draft imported from Camunda 7

Revision ID: 8f3b6d2a4e71
Revises: 8b3f6c2e1a47
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8f3b6d2a4e71'
down_revision = '8b3f6c2e1a47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'studio_draft_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['studio_draft.id'], name=op.f('fk_studio_draft_file_draft_id_studio_draft'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_draft_file')),
        sa.UniqueConstraint('draft_id', 'name', name=op.f('uq_studio_draft_file_draft_id_name')),
    )
    op.create_index(op.f('ix_studio_draft_file_draft_id'), 'studio_draft_file', ['draft_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_studio_draft_file_draft_id'), table_name='studio_draft_file')
    op.drop_table('studio_draft_file')
