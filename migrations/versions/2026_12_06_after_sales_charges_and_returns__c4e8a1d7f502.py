"""after-sales: the sales order a billable resolution became, and the return request filed against a case

Revision ID: c4e8a1d7f502
Revises: e3f9a1c7b542
Create Date: 2026-12-06 19:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import Money, UTCDateTime


revision = 'c4e8a1d7f502'
down_revision = 'e3f9a1c7b542'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_case') as batch_op:
        batch_op.add_column(sa.Column('return_instance_id', sa.Integer(), nullable=True))
    op.create_table(
        'service_charge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('resolution_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('order_line_id', sa.Integer(), nullable=False),
        sa.Column('qty', Money(), nullable=False),
        sa.Column('amount', Money(), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], name=op.f('fk_service_charge_case_id_service_case')),
        sa.ForeignKeyConstraint(['resolution_id'], ['service_resolution.id'], name=op.f('fk_service_charge_resolution_id_service_resolution')),
        sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_service_charge_order_id_sales_order')),
        sa.ForeignKeyConstraint(['order_line_id'], ['sales_order_line.id'], name=op.f('fk_service_charge_order_line_id_sales_order_line')),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_service_charge_confirmed_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_charge')),
        sa.UniqueConstraint('resolution_id', name=op.f('uq_service_charge_resolution_id')),
        sa.UniqueConstraint('order_id', name=op.f('uq_service_charge_order_id')),
        sa.UniqueConstraint('order_line_id', name=op.f('uq_service_charge_order_line_id')),
        sa.UniqueConstraint('source_key', name=op.f('uq_service_charge_source_key')),
    )
    with op.batch_alter_table('service_charge') as batch_op:
        batch_op.create_index(batch_op.f('ix_service_charge_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('service_charge') as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_charge_case_id'))
    op.drop_table('service_charge')
    with op.batch_alter_table('service_case') as batch_op:
        batch_op.drop_column('return_instance_id')
