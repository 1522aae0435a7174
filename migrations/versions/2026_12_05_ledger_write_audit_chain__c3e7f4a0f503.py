"""ledger writes from outside the flows: a hash-chained log

Revision ID: c3e7f4a0f503
Revises: b2d6e3f9e402
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c3e7f4a0f503'
down_revision = 'b2d6e3f9e402'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
