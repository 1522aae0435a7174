"""incidents: bulk retries of instances in error and each instance's outcome

Revision ID: 3c7e91a4d2b5
Revises: 8f3b6d2a4e71
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = '3c7e91a4d2b5'
down_revision = '8f3b6d2a4e71'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'incident_retry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=16), nullable=False),
        sa.Column('group_key', sa.String(length=64), nullable=True),
        sa.Column('group_label', sa.Text(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'],
                                name=op.f('fk_incident_retry_requested_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_retry')),
    )
    op.create_index(op.f('ix_incident_retry_group_key'), 'incident_retry', ['group_key'])
    op.create_table(
        'incident_retry_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('retry_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('element_id', sa.String(length=255), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['retry_id'], ['incident_retry.id'],
                                name=op.f('fk_incident_retry_item_retry_id_incident_retry'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_retry_item')),
    )
    op.create_index(op.f('ix_incident_retry_item_retry_id'), 'incident_retry_item', ['retry_id'])
    op.create_index(op.f('ix_incident_retry_item_instance_id'), 'incident_retry_item', ['instance_id'])


def downgrade():
    op.drop_index(op.f('ix_incident_retry_item_instance_id'), table_name='incident_retry_item')
    op.drop_index(op.f('ix_incident_retry_item_retry_id'), table_name='incident_retry_item')
    op.drop_table('incident_retry_item')
    op.drop_index(op.f('ix_incident_retry_group_key'), table_name='incident_retry')
    op.drop_table('incident_retry')
