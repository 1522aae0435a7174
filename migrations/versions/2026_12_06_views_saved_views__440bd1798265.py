"""saved views: a report page's filters kept under a name, shared with nobody, a role or a person

Revision ID: 440bd1798265
Revises: 7a040c484f24
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = '440bd1798265'
down_revision = '7a040c484f24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_view',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('endpoint', sa.String(length=80), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('shared_role', sa.String(length=64), nullable=True),
        sa.Column('shared_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('shared_role IS NULL OR shared_user_id IS NULL', name=op.f('ck_saved_view_one_audience')),
        sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_saved_view_owner_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['shared_user_id'], ['user.id'], name=op.f('fk_saved_view_shared_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_view')),
    )
    with op.batch_alter_table('saved_view') as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_view_endpoint'), ['endpoint'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_view_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_view_shared_role'), ['shared_role'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_view_shared_user_id'), ['shared_user_id'], unique=False)


def downgrade():
    op.drop_table('saved_view')
