"""process definitions: who may start them (declared in the diagram)

Revision ID: a1c5f2e8d301
Revises: e7d2c4a91b35
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1c5f2e8d301'
down_revision = 'e7d2c4a91b35'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
