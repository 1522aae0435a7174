"""human tasks: everyone a task passed through by delegation or reassignment

Revision ID: b2d6e3f9e402
Revises: a1c5f2e8d301
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b2d6e3f9e402'
down_revision = 'a1c5f2e8d301'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delegation_chain', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('delegation_chain')
