"""after-sales: service cases, their posted resolutions, and each material's warranty months

Revision ID: b7e2c4a91f30
Revises: 4b7d2e9c1a58
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import Money, UTCDateTime


revision = 'b7e2c4a91f30'
down_revision = '4b7d2e9c1a58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('material') as batch_op:
        batch_op.add_column(sa.Column('warranty_months', sa.Integer(), server_default='12', nullable=False))
    op.create_table(
        'service_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('material_id', sa.Integer(), nullable=True),
        sa.Column('batch_no', sa.String(length=64), nullable=True),
        sa.Column('shipping_note_id', sa.Integer(), nullable=True),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('ship_date', sa.Date(), nullable=True),
        sa.Column('warranty_until', sa.Date(), nullable=True),
        sa.Column('in_warranty', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('category', sa.String(length=64), nullable=True),
        sa.Column('severity', sa.String(length=16), nullable=True),
        sa.Column('route', sa.String(length=16), nullable=True),
        sa.Column('satisfaction', sa.Integer(), nullable=True),
        sa.Column('reopen_count', sa.Integer(), nullable=False),
        sa.Column('escalation_count', sa.Integer(), nullable=False),
        sa.Column('opened_at', UTCDateTime(), nullable=False),
        sa.Column('triaged_at', UTCDateTime(), nullable=True),
        sa.Column('resolved_at', UTCDateTime(), nullable=True),
        sa.Column('closed_at', UTCDateTime(), nullable=True),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_service_case_customer_id_customer')),
        sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_service_case_material_id_material')),
        sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_service_case_opened_by_id_user')),
        sa.ForeignKeyConstraint(['shipping_note_id'], ['shipping_note.id'],
                                name=op.f('fk_service_case_shipping_note_id_shipping_note')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_case')),
        sa.UniqueConstraint('number', name=op.f('uq_service_case_number')),
        sa.UniqueConstraint('source_key', name=op.f('uq_service_case_source_key')),
    )
    with op.batch_alter_table('service_case') as batch_op:
        batch_op.create_index(batch_op.f('ix_service_case_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_case_opened_at'), ['opened_at'], unique=False)
    op.create_table(
        'service_resolution',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('diagnosis', sa.Text(), nullable=False),
        sa.Column('action_taken', sa.Text(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('parts', sa.Text(), nullable=False),
        sa.Column('parts_cost', Money(), nullable=False),
        sa.Column('warranty_expense', Money(), nullable=False),
        sa.Column('billable_amount', Money(), nullable=False),
        sa.Column('resolved_on', sa.Date(), nullable=False),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], name=op.f('fk_service_resolution_case_id_service_case')),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_service_resolution_resolved_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_resolution')),
        sa.UniqueConstraint('source_key', name=op.f('uq_service_resolution_source_key')),
    )
    with op.batch_alter_table('service_resolution') as batch_op:
        batch_op.create_index(batch_op.f('ix_service_resolution_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_resolution_resolved_on'), ['resolved_on'], unique=False)


def downgrade():
    op.drop_table('service_resolution')
    op.drop_table('service_case')
    with op.batch_alter_table('material') as batch_op:
        batch_op.drop_column('warranty_months')
