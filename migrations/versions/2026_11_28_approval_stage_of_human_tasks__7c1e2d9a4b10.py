"""human tasks: the approval stage that scopes segregation of duties

Revision ID: 7c1e2d9a4b10
Revises: 35a8ee742703
Create Date: 2026-11-27 21:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c1e2d9a4b10'
down_revision = '35a8ee742703'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_stage', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('approval_stage')
