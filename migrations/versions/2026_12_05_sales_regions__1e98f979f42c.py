"""sales regions: master data of the organisation, no longer a constant of the demo seed

Revision ID: 1e98f979f42c
Revises: c3e7f4a0f503
Create Date: 2026-12-05 15:42:52

"""
from alembic import op
import sqlalchemy as sa


revision = '1e98f979f42c'
down_revision = 'c3e7f4a0f503'
branch_labels = None
depends_on = None


def upgrade():
    # Empty on purpose: people and customer files keep naming their regions,
    # and those names stay valid; the organisation's own list is loaded
    # like the rest of its master data (flask demo load for the demo).
    op.create_table('region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region')),
    sa.UniqueConstraint('code', name=op.f('uq_region_code')),
    sa.UniqueConstraint('name', name=op.f('uq_region_name'))
    )


def downgrade():
    op.drop_table('region')
