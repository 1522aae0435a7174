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
    # Versions deployed before this change declared nobody: they start for
    # nobody until their diagram is deployed again with its startRoles.
    with op.batch_alter_table('process_definition') as batch_op:
        batch_op.add_column(sa.Column('start_roles', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('process_definition') as batch_op:
        batch_op.drop_column('start_roles')
