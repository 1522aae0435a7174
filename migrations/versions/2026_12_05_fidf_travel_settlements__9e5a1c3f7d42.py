"""travel settlements: the expense claim that settled an approved travel request after the trip, once per request

Revision ID: 9e5a1c3f7d42
Revises: 8d4f0b2e6c31
Create Date: 2026-12-05 19:40:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import Money, UTCDateTime


revision = '9e5a1c3f7d42'
down_revision = '8d4f0b2e6c31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'travel_settlement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_instance_id', sa.Integer(), nullable=False),
        sa.Column('expense_claim_id', sa.Integer(), nullable=False),
        sa.Column('estimated', Money(), nullable=False),
        sa.Column('actual', Money(), nullable=False),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['expense_claim_id'], ['expense_claim.id'],
                                name=op.f('fk_travel_settlement_expense_claim_id_expense_claim')),
        sa.ForeignKeyConstraint(['request_instance_id'], ['process_instance.id'],
                                name=op.f('fk_travel_settlement_request_instance_id_process_instance')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_travel_settlement')),
        sa.UniqueConstraint('expense_claim_id', name=op.f('uq_travel_settlement_expense_claim_id')),
        sa.UniqueConstraint('request_instance_id', name=op.f('uq_travel_settlement_request_instance_id')),
        sa.UniqueConstraint('source_key', name=op.f('uq_travel_settlement_source_key')),
    )


def downgrade():
    op.drop_table('travel_settlement')
