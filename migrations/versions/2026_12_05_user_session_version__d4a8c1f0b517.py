"""users: a session version that signing out and a new password raise, ending every earlier session

Revision ID: d4a8c1f0b517
Revises: d4a8b6c2e517
Create Date: 2026-12-05 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4a8c1f0b517'
down_revision = 'd4a8b6c2e517'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
