"""audit checkpoints: signed Merkle roots over every audit chain's head

Revision ID: 5c8e2a7d9b13
Revises: c7e2a94d5b10
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = '5c8e2a7d9b13'
down_revision = 'c7e2a94d5b10'
branch_labels = None
depends_on = None

TABLE = "audit_checkpoint"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('made_by', sa.String(length=64), nullable=False),
        sa.Column('high_water', sa.Integer(), nullable=False),
        sa.Column('leaf_count', sa.Integer(), nullable=False),
        sa.Column('root', sa.String(length=64), nullable=False),
        sa.Column('signature', sa.String(length=128), nullable=False),
        sa.Column('public_key', sa.Text(), nullable=False),
        sa.Column('key_fingerprint', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table(TABLE)
