"""studio scenarios: saved test data a diagram is run with in memory

Revision ID: 8f3a6c2e1d47
Revises: 8a4f2c6e1b37
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = '8f3a6c2e1d47'
down_revision = '8a4f2c6e1b37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'studio_scenario',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('start_data', sa.JSON(), nullable=False),
        sa.Column('decisions', sa.JSON(), nullable=False),
        sa.Column('service_results', sa.JSON(), nullable=False),
        sa.Column('expected_end', sa.String(length=200), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_studio_scenario_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_studio_scenario_updated_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_scenario')),
        sa.UniqueConstraint('process_key', 'name', name=op.f('uq_studio_scenario_process_key_name')),
    )
    op.create_index(op.f('ix_studio_scenario_process_key'), 'studio_scenario', ['process_key'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_studio_scenario_process_key'), table_name='studio_scenario')
    op.drop_table('studio_scenario')
