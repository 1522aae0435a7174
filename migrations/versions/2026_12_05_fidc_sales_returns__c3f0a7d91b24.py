"""returns and walk-in customers: quality's re-inspection, the authorised return with the customer's price agreement, its receipt into stock, quarantined stock; the contact of a walk-in customer

Revision ID: c3f0a7d91b24
Revises: c7e2a9d4b618
Create Date: 2026-12-05 19:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import ScaledDecimal, UTCDateTime


revision = 'c3f0a7d91b24'
down_revision = 'c7e2a9d4b618'
branch_labels = None
depends_on = None

# Insert-only like the other ledger tables: the database refuses UPDATE and
# DELETE (the trigger function on PostgreSQL comes from revision 55d4403533b0).
IMMUTABLE_TABLES = ("return_inspection", "sales_return", "sales_return_line", "return_receipt", "customer_contact")


def _create_immutability_triggers():
    bind = op.get_bind()
    for table in IMMUTABLE_TABLES:
        if bind.dialect.name == "postgresql":
            op.execute(f"CREATE TRIGGER trg_{table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION lanes_refuse_posted_change()")
        elif bind.dialect.name == "sqlite":
            for event in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER trg_{table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, 'posted rows of {table} are immutable; post a reversal'); END")


def _drop_immutability_triggers():
    bind = op.get_bind()
    for table in IMMUTABLE_TABLES:
        if bind.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_immutable ON {table}")
        elif bind.dialect.name == "sqlite":
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_{event}")


def upgrade():
    # a plain ADD COLUMN (no table copy), so stock_movement keeps its immutability triggers on SQLite
    op.add_column('stock_movement', sa.Column('stock_status', sa.String(length=16), server_default='saleable', nullable=False))
    op.create_table(
        'return_inspection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('result', sa.String(length=16), nullable=False),
        sa.Column('cause', sa.String(length=255), nullable=False),
        sa.Column('responsibility', sa.String(length=16), nullable=False),
        sa.Column('disposition', sa.String(length=16), nullable=False),
        sa.Column('note', sa.String(length=1000), nullable=True),
        sa.Column('inspection_date', sa.Date(), nullable=False),
        sa.Column('inspected_by_id', sa.Integer(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("result IN ('qualified', 'defective')", name=op.f('ck_return_inspection_known_result')),
        sa.CheckConstraint("disposition IN ('restock', 'quarantine')", name=op.f('ck_return_inspection_known_disposition')),
        sa.CheckConstraint("result = 'qualified' OR disposition = 'quarantine'",
                           name=op.f('ck_return_inspection_defective_goods_quarantined')),
        sa.ForeignKeyConstraint(['inspected_by_id'], ['user.id'], name=op.f('fk_return_inspection_inspected_by_id_user')),
        sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_return_inspection_order_id_sales_order')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_return_inspection')),
        sa.UniqueConstraint('number', name=op.f('uq_return_inspection_number')),
        sa.UniqueConstraint('source_key', name=op.f('uq_return_inspection_source_key')),
    )
    op.create_index(op.f('ix_return_inspection_order_id'), 'return_inspection', ['order_id'], unique=False)
    op.create_table(
        'sales_return',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('inspection_id', sa.Integer(), nullable=False),
        sa.Column('disposition', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=255), nullable=True),
        sa.Column('price_agreed_via', sa.String(length=16), nullable=False),
        sa.Column('price_agreed_on', sa.Date(), nullable=False),
        sa.Column('return_date', sa.Date(), nullable=False),
        sa.Column('authorized_by_id', sa.Integer(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['authorized_by_id'], ['user.id'], name=op.f('fk_sales_return_authorized_by_id_user')),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_sales_return_customer_id_customer')),
        sa.ForeignKeyConstraint(['inspection_id'], ['return_inspection.id'],
                                name=op.f('fk_sales_return_inspection_id_return_inspection')),
        sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_return_order_id_sales_order')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_return')),
        sa.UniqueConstraint('number', name=op.f('uq_sales_return_number')),
        sa.UniqueConstraint('source_key', name=op.f('uq_sales_return_source_key')),
    )
    op.create_index(op.f('ix_sales_return_order_id'), 'sales_return', ['order_id'], unique=False)
    op.create_index(op.f('ix_sales_return_customer_id'), 'sales_return', ['customer_id'], unique=False)
    op.create_index(op.f('ix_sales_return_return_date'), 'sales_return', ['return_date'], unique=False)
    op.create_table(
        'sales_return_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('return_id', sa.Integer(), nullable=False),
        sa.Column('line_no', sa.Integer(), nullable=False),
        sa.Column('original_line_id', sa.Integer(), nullable=False),
        sa.Column('qty', ScaledDecimal(4), nullable=False),
        sa.Column('unit_price', ScaledDecimal(8), nullable=False),
        sa.CheckConstraint('qty > 0', name=op.f('ck_sales_return_line_positive_qty')),
        sa.ForeignKeyConstraint(['original_line_id'], ['sales_order_line.id'],
                                name=op.f('fk_sales_return_line_original_line_id_sales_order_line')),
        sa.ForeignKeyConstraint(['return_id'], ['sales_return.id'], name=op.f('fk_sales_return_line_return_id_sales_return')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_return_line')),
        sa.UniqueConstraint('return_id', 'line_no', name=op.f('uq_sales_return_line_return_id_line_no')),
    )
    op.create_index(op.f('ix_sales_return_line_return_id'), 'sales_return_line', ['return_id'], unique=False)
    op.create_table(
        'return_receipt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('return_id', sa.Integer(), nullable=False),
        sa.Column('red_order_id', sa.Integer(), nullable=False),
        sa.Column('stock_status', sa.String(length=16), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('condition_note', sa.String(length=1000), nullable=True),
        sa.Column('received_by_id', sa.Integer(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['received_by_id'], ['user.id'], name=op.f('fk_return_receipt_received_by_id_user')),
        sa.ForeignKeyConstraint(['red_order_id'], ['sales_order.id'], name=op.f('fk_return_receipt_red_order_id_sales_order')),
        sa.ForeignKeyConstraint(['return_id'], ['sales_return.id'], name=op.f('fk_return_receipt_return_id_sales_return')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_return_receipt')),
        sa.UniqueConstraint('return_id', name=op.f('uq_return_receipt_return_id')),
        sa.UniqueConstraint('source_key', name=op.f('uq_return_receipt_source_key')),
    )
    op.create_table(
        'customer_contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=32), nullable=False),
        sa.Column('address', sa.String(length=255), nullable=False),
        sa.Column('registered_by_id', sa.Integer(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_contact_customer_id_customer')),
        sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_customer_contact_registered_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_contact')),
        sa.UniqueConstraint('source_key', name=op.f('uq_customer_contact_source_key')),
    )
    op.create_index(op.f('ix_customer_contact_customer_id'), 'customer_contact', ['customer_id'], unique=False)
    op.create_index(op.f('ix_customer_contact_phone'), 'customer_contact', ['phone'], unique=False)
    _create_immutability_triggers()


def downgrade():
    _drop_immutability_triggers()
    op.drop_index(op.f('ix_customer_contact_phone'), table_name='customer_contact')
    op.drop_index(op.f('ix_customer_contact_customer_id'), table_name='customer_contact')
    op.drop_table('customer_contact')
    op.drop_table('return_receipt')
    op.drop_index(op.f('ix_sales_return_line_return_id'), table_name='sales_return_line')
    op.drop_table('sales_return_line')
    op.drop_index(op.f('ix_sales_return_return_date'), table_name='sales_return')
    op.drop_index(op.f('ix_sales_return_customer_id'), table_name='sales_return')
    op.drop_index(op.f('ix_sales_return_order_id'), table_name='sales_return')
    op.drop_table('sales_return')
    op.drop_index(op.f('ix_return_inspection_order_id'), table_name='return_inspection')
    op.drop_table('return_inspection')
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.drop_column('stock_status')
