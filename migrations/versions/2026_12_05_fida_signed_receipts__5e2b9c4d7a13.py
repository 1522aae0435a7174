"""signed receipts (签收途损单): what the customer signed for per shipping-note line and the transit loss; order lines count what was lost

Revision ID: 5e2b9c4d7a13
Revises: c7a41e9d2b58
Create Date: 2026-12-05 19:20:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import Money, ScaledDecimal, UTCDateTime


revision = '5e2b9c4d7a13'
down_revision = 'c7a41e9d2b58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qty_lost', ScaledDecimal(4), server_default='0', nullable=False))
    op.create_table(
        'signed_receipt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('signed_date', sa.Date(), nullable=False),
        sa.Column('receiver_name', sa.String(length=64), nullable=False),
        sa.Column('receipt_name', sa.String(length=200), nullable=True),
        sa.Column('receipt_sha256', sa.String(length=64), nullable=True),
        sa.Column('loss_borne_by', sa.String(length=16), nullable=False),
        sa.Column('loss_cost', Money(), nullable=False),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['note_id'], ['shipping_note.id'], name=op.f('fk_signed_receipt_note_id_shipping_note')),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_signed_receipt_customer_id_customer')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_signed_receipt_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_receipt')),
        sa.UniqueConstraint('number', name=op.f('uq_signed_receipt_number')),
        sa.UniqueConstraint('note_id', name=op.f('uq_signed_receipt_note_id')),
        sa.UniqueConstraint('source_key', name=op.f('uq_signed_receipt_source_key')),
    )
    with op.batch_alter_table('signed_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_receipt_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_receipt_signed_date'), ['signed_date'], unique=False)
    op.create_table(
        'signed_receipt_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('receipt_id', sa.Integer(), nullable=False),
        sa.Column('line_no', sa.Integer(), nullable=False),
        sa.Column('shipping_line_id', sa.Integer(), nullable=False),
        sa.Column('order_line_id', sa.Integer(), nullable=False),
        sa.Column('material_id', sa.Integer(), nullable=False),
        sa.Column('shipped_qty', ScaledDecimal(4), nullable=False),
        sa.Column('received_qty', ScaledDecimal(4), nullable=False),
        sa.Column('loss_qty', ScaledDecimal(4), nullable=False),
        sa.Column('loss_cost', Money(), nullable=False),
        sa.Column('loss_reason', sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(['receipt_id'], ['signed_receipt.id'], name=op.f('fk_signed_receipt_line_receipt_id_signed_receipt')),
        sa.ForeignKeyConstraint(['shipping_line_id'], ['shipping_line.id'], name=op.f('fk_signed_receipt_line_shipping_line_id_shipping_line')),
        sa.ForeignKeyConstraint(['order_line_id'], ['sales_order_line.id'], name=op.f('fk_signed_receipt_line_order_line_id_sales_order_line')),
        sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_signed_receipt_line_material_id_material')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_receipt_line')),
        sa.UniqueConstraint('receipt_id', 'line_no', name=op.f('uq_signed_receipt_line_receipt_id_line_no')),
        sa.UniqueConstraint('shipping_line_id', name=op.f('uq_signed_receipt_line_shipping_line_id')),
    )
    with op.batch_alter_table('signed_receipt_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_receipt_line_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_receipt_line_order_line_id'), ['order_line_id'], unique=False)
    # insert-only like the other posted tables (the ledger migration's triggers)
    bind = op.get_bind()
    for table in ('signed_receipt', 'signed_receipt_line'):
        if bind.dialect.name == "postgresql":
            op.execute(f"CREATE TRIGGER trg_{table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION lanes_refuse_posted_change()")
        elif bind.dialect.name == "sqlite":
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER trg_{table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, 'posted rows of {table} are immutable; post a reversal'); END")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in ('signed_receipt_line', 'signed_receipt'):
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_immutable ON {table}")
    op.drop_table('signed_receipt_line')
    op.drop_table('signed_receipt')
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.drop_column('qty_lost')
