"""stock loans (借出, F17 borrow_to_sale): loans, their lines, what happened to each line and the movements it made

Revision ID: e3f9a1c7b542
Revises: 09e4b8e85319
Create Date: 2026-12-06 19:30:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import ScaledDecimal, UTCDateTime


revision = 'e3f9a1c7b542'
down_revision = '09e4b8e85319'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stock_loan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('salesperson_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=True),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('request_date', sa.Date(), nullable=False),
        sa.Column('first_expected_date', sa.Date(), nullable=False),
        sa.Column('expected_date', sa.Date(), nullable=False),
        sa.Column('extensions', sa.Integer(), nullable=False),
        sa.Column('warehouse_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('value', ScaledDecimal(scale=2), nullable=False),
        sa.Column('lent_date', sa.Date(), nullable=True),
        sa.Column('delivered_date', sa.Date(), nullable=True),
        sa.Column('receiver_name', sa.String(length=64), nullable=True),
        sa.Column('closed_date', sa.Date(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id']),
        sa.ForeignKeyConstraint(['salesperson_id'], ['user.id']),
        sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number'),
        sa.UniqueConstraint('source_key'),
    )
    with op.batch_alter_table('stock_loan') as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_loan_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_loan_salesperson_id'), ['salesperson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_loan_expected_date'), ['expected_date'], unique=False)
    op.create_table(
        'stock_loan_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('loan_id', sa.Integer(), nullable=False),
        sa.Column('line_no', sa.Integer(), nullable=False),
        sa.Column('material_id', sa.Integer(), nullable=False),
        sa.Column('qty_lent', ScaledDecimal(scale=4), nullable=False),
        sa.Column('qty_converted', ScaledDecimal(scale=4), nullable=False),
        sa.Column('qty_returned', ScaledDecimal(scale=4), nullable=False),
        sa.Column('qty_lost', ScaledDecimal(scale=4), nullable=False),
        sa.Column('unit_price', ScaledDecimal(scale=8), nullable=False),
        sa.Column('gross', ScaledDecimal(scale=2), nullable=False),
        sa.ForeignKeyConstraint(['loan_id'], ['stock_loan.id']),
        sa.ForeignKeyConstraint(['material_id'], ['material.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('loan_id', 'line_no'),
    )
    with op.batch_alter_table('stock_loan_line') as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_loan_line_loan_id'), ['loan_id'], unique=False)
    op.create_table(
        'stock_loan_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('loan_line_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('qty', ScaledDecimal(scale=4), nullable=False),
        sa.Column('event_date', sa.Date(), nullable=False),
        sa.Column('order_line_id', sa.Integer(), nullable=True),
        sa.Column('stock_status', sa.String(length=16), nullable=True),
        sa.Column('reason', sa.String(length=255), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['loan_line_id'], ['stock_loan_line.id']),
        sa.ForeignKeyConstraint(['order_line_id'], ['sales_order_line.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('source_key', 'loan_line_id', 'kind'),
    )
    with op.batch_alter_table('stock_loan_event') as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_loan_event_loan_line_id'), ['loan_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_loan_event_order_line_id'), ['order_line_id'], unique=False)
    op.create_table(
        'stock_loan_movement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('loan_line_id', sa.Integer(), nullable=False),
        sa.Column('movement_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['loan_line_id'], ['stock_loan_line.id']),
        sa.ForeignKeyConstraint(['movement_id'], ['stock_movement.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('movement_id'),
    )
    with op.batch_alter_table('stock_loan_movement') as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_loan_movement_loan_line_id'), ['loan_line_id'], unique=False)


def downgrade():
    op.drop_table('stock_loan_movement')
    op.drop_table('stock_loan_event')
    op.drop_table('stock_loan_line')
    op.drop_table('stock_loan')
