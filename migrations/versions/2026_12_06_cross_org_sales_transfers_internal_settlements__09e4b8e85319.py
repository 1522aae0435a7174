"""cross-organisation sales: transfer orders, internal prices and settlements

Organisations' members, internal customers, internal price lists and
internal transaction price rules; transfer orders with their transfer-in;
monthly internal settlements and internal invoices; the selling
organisation of every sales order (existing orders: HQ) and whose books a
ledger entry is in (None: the head company's, as every entry so far).

Revision ID: 09e4b8e85319
Revises: a3f1c7d9e2b4
Create Date: 2026-12-06 20:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '09e4b8e85319'
down_revision = 'a3f1c7d9e2b4'
branch_labels = None
depends_on = None

# Insert-only like the other ledger tables (the trigger function on PostgreSQL comes from revision 55d4403533b0)
IMMUTABLE_TABLES = ("internal_settlement_line", "internal_invoice")


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


def _add_org_unit_column(table: str, index: bool):
    """A plain ADD COLUMN (no table copy), so ledger_entry keeps its
    immutability triggers on SQLite."""
    fk = f"fk_{table}_org_unit_id_org_unit"
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(table, sa.Column('org_unit_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(fk), table, 'org_unit', ['org_unit_id'], ['id'])
    else:  # SQLite adds a column with its reference in place
        op.execute(f"ALTER TABLE {table} ADD COLUMN org_unit_id INTEGER CONSTRAINT {fk} REFERENCES org_unit (id)")
    if index:
        op.create_index(op.f(f'ix_{table}_org_unit_id'), table, ['org_unit_id'], unique=False)


def _drop_org_unit_column(table: str, index: bool, also: tuple = ()):
    if index:
        op.drop_index(op.f(f'ix_{table}_org_unit_id'), table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f(f"fk_{table}_org_unit_id_org_unit"), table, type_='foreignkey')
        for column in ('org_unit_id',) + also:
            op.drop_column(table, column)
    else:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ('org_unit_id',) + also:
                batch_op.drop_column(column)


def upgrade():
    op.create_table('org_unit_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_org_unit_member_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_org_unit_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_unit_member')),
    sa.UniqueConstraint('user_id', name=op.f('uq_org_unit_member_user_id'))
    )
    with op.batch_alter_table('org_unit_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_unit_member_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('internal_customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_internal_customer_customer_id_customer')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_internal_customer_org_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_customer')),
    sa.UniqueConstraint('customer_id', name=op.f('uq_internal_customer_customer_id')),
    sa.UniqueConstraint('org_unit_id', name=op.f('uq_internal_customer_org_unit_id'))
    )
    op.create_table('internal_price_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_org_id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['org_unit.id'], name=op.f('fk_internal_price_rule_buyer_org_id_org_unit')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_list.id'], name=op.f('fk_internal_price_rule_price_list_id_price_list')),
    sa.ForeignKeyConstraint(['supplier_org_id'], ['org_unit.id'], name=op.f('fk_internal_price_rule_supplier_org_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_price_rule'))
    )
    with op.batch_alter_table('internal_price_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_internal_price_rule_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_price_rule_price_list_id'), ['price_list_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_price_rule_supplier_org_id'), ['supplier_org_id'], unique=False)

    op.create_table('internal_settlement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('supplier_org_id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('net', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('tax', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('gross', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('supplier_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('buyer_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('rejected_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.String(length=255), nullable=True),
    sa.Column('source_key', sa.String(length=160), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['buyer_confirmed_by_id'], ['user.id'], name=op.f('fk_internal_settlement_buyer_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['org_unit.id'], name=op.f('fk_internal_settlement_buyer_org_id_org_unit')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_internal_settlement_created_by_id_user')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_list.id'], name=op.f('fk_internal_settlement_price_list_id_price_list')),
    sa.ForeignKeyConstraint(['rejected_by_id'], ['user.id'], name=op.f('fk_internal_settlement_rejected_by_id_user')),
    sa.ForeignKeyConstraint(['supplier_confirmed_by_id'], ['user.id'], name=op.f('fk_internal_settlement_supplier_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['supplier_org_id'], ['org_unit.id'], name=op.f('fk_internal_settlement_supplier_org_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_settlement')),
    sa.UniqueConstraint('number', name=op.f('uq_internal_settlement_number')),
    sa.UniqueConstraint('source_key', name=op.f('uq_internal_settlement_source_key'))
    )
    with op.batch_alter_table('internal_settlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_internal_settlement_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_settlement_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_settlement_supplier_org_id'), ['supplier_org_id'], unique=False)

    op.create_table('internal_invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('supplier_org_id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=False),
    sa.Column('net', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('tax', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('gross', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('source_key', sa.String(length=160), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['org_unit.id'], name=op.f('fk_internal_invoice_buyer_org_id_org_unit')),
    sa.ForeignKeyConstraint(['settlement_id'], ['internal_settlement.id'], name=op.f('fk_internal_invoice_settlement_id_internal_settlement')),
    sa.ForeignKeyConstraint(['supplier_org_id'], ['org_unit.id'], name=op.f('fk_internal_invoice_supplier_org_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_invoice')),
    sa.UniqueConstraint('number', name=op.f('uq_internal_invoice_number')),
    sa.UniqueConstraint('settlement_id', name=op.f('uq_internal_invoice_settlement_id')),
    sa.UniqueConstraint('source_key', name=op.f('uq_internal_invoice_source_key'))
    )
    with op.batch_alter_table('internal_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_internal_invoice_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_invoice_invoice_date'), ['invoice_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_invoice_supplier_org_id'), ['supplier_org_id'], unique=False)

    op.create_table('transfer_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('from_org_id', sa.Integer(), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=False),
    sa.Column('from_warehouse_id', sa.Integer(), nullable=False),
    sa.Column('to_warehouse_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('order_date', sa.Date(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('source_key', sa.String(length=160), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_transfer_order_created_by_id_user')),
    sa.ForeignKeyConstraint(['from_org_id'], ['org_unit.id'], name=op.f('fk_transfer_order_from_org_id_org_unit')),
    sa.ForeignKeyConstraint(['from_warehouse_id'], ['warehouse.id'], name=op.f('fk_transfer_order_from_warehouse_id_warehouse')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_transfer_order_order_id_sales_order')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['user.id'], name=op.f('fk_transfer_order_signed_by_id_user')),
    sa.ForeignKeyConstraint(['to_org_id'], ['org_unit.id'], name=op.f('fk_transfer_order_to_org_id_org_unit')),
    sa.ForeignKeyConstraint(['to_warehouse_id'], ['warehouse.id'], name=op.f('fk_transfer_order_to_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_order')),
    sa.UniqueConstraint('number', name=op.f('uq_transfer_order_number')),
    sa.UniqueConstraint('source_key', name=op.f('uq_transfer_order_source_key'))
    )
    with op.batch_alter_table('transfer_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_order_from_org_id'), ['from_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_order_order_date'), ['order_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_order_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_order_to_org_id'), ['to_org_id'], unique=False)

    op.create_table('transfer_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('out_date', sa.Date(), nullable=False),
    sa.Column('out_key', sa.String(length=160), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('receiver_name', sa.String(length=64), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_key', sa.String(length=160), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_transfer_in_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfer_order.id'], name=op.f('fk_transfer_in_transfer_id_transfer_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_in')),
    sa.UniqueConstraint('confirmed_key', name=op.f('uq_transfer_in_confirmed_key')),
    sa.UniqueConstraint('number', name=op.f('uq_transfer_in_number')),
    sa.UniqueConstraint('out_key', name=op.f('uq_transfer_in_out_key')),
    sa.UniqueConstraint('transfer_id', name=op.f('uq_transfer_in_transfer_id'))
    )
    with op.batch_alter_table('transfer_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_in_out_date'), ['out_date'], unique=False)

    op.create_table('transfer_order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('qty', app.models.types.ScaledDecimal(scale=4), nullable=False),
    sa.Column('qty_out', app.models.types.ScaledDecimal(scale=4), nullable=False),
    sa.Column('qty_received', app.models.types.ScaledDecimal(scale=4), nullable=False),
    sa.Column('qty_lost', app.models.types.ScaledDecimal(scale=4), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_transfer_order_line_material_id_material')),
    sa.ForeignKeyConstraint(['order_line_id'], ['sales_order_line.id'], name=op.f('fk_transfer_order_line_order_line_id_sales_order_line')),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfer_order.id'], name=op.f('fk_transfer_order_line_transfer_id_transfer_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_order_line')),
    sa.UniqueConstraint('transfer_id', 'line_no', name=op.f('uq_transfer_order_line_transfer_id_line_no'))
    )
    with op.batch_alter_table('transfer_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_order_line_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_order_line_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_order_line_transfer_id'), ['transfer_id'], unique=False)

    op.create_table('internal_settlement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('transfer_line_id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('qty', app.models.types.ScaledDecimal(scale=4), nullable=False),
    sa.Column('unit_price', app.models.types.ScaledDecimal(scale=8), nullable=False),
    sa.Column('price_item_id', sa.Integer(), nullable=False),
    sa.Column('tax_rate', app.models.types.ScaledDecimal(scale=4), nullable=False),
    sa.Column('net', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('tax', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('gross', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_internal_settlement_line_material_id_material')),
    sa.ForeignKeyConstraint(['price_item_id'], ['price_item.id'], name=op.f('fk_internal_settlement_line_price_item_id_price_item')),
    sa.ForeignKeyConstraint(['settlement_id'], ['internal_settlement.id'], name=op.f('fk_internal_settlement_line_settlement_id_internal_settlement')),
    sa.ForeignKeyConstraint(['transfer_line_id'], ['transfer_order_line.id'], name=op.f('fk_internal_settlement_line_transfer_line_id_transfer_order_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_settlement_line')),
    sa.UniqueConstraint('settlement_id', 'line_no', name=op.f('uq_internal_settlement_line_settlement_id_line_no'))
    )
    with op.batch_alter_table('internal_settlement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_internal_settlement_line_settlement_id'), ['settlement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_settlement_line_transfer_line_id'), ['transfer_line_id'], unique=False)

    op.create_table('transfer_in_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_in_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('transfer_line_id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('sent_qty', app.models.types.ScaledDecimal(scale=4), nullable=False),
    sa.Column('received_qty', app.models.types.ScaledDecimal(scale=4), nullable=True),
    sa.Column('loss_qty', app.models.types.ScaledDecimal(scale=4), nullable=True),
    sa.Column('loss_reason', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_transfer_in_line_material_id_material')),
    sa.ForeignKeyConstraint(['transfer_in_id'], ['transfer_in.id'], name=op.f('fk_transfer_in_line_transfer_in_id_transfer_in')),
    sa.ForeignKeyConstraint(['transfer_line_id'], ['transfer_order_line.id'], name=op.f('fk_transfer_in_line_transfer_line_id_transfer_order_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_in_line')),
    sa.UniqueConstraint('transfer_in_id', 'line_no', name=op.f('uq_transfer_in_line_transfer_in_id_line_no')),
    sa.UniqueConstraint('transfer_line_id', name=op.f('uq_transfer_in_line_transfer_line_id'))
    )
    with op.batch_alter_table('transfer_in_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_in_line_transfer_in_id'), ['transfer_in_id'], unique=False)

    _add_org_unit_column('ledger_entry', index=True)
    _add_org_unit_column('price_list', index=False)
    op.add_column('price_list', sa.Column('internal', sa.Boolean(), server_default=sa.false(), nullable=False))
    _add_org_unit_column('sales_order', index=True)
    # orders from before there were several organisations were sold by the head company
    op.execute("UPDATE sales_order SET org_unit_id = (SELECT id FROM org_unit WHERE code = 'HQ')")
    _create_immutability_triggers()


def downgrade():
    _drop_immutability_triggers()
    _drop_org_unit_column('sales_order', index=True)
    _drop_org_unit_column('price_list', index=False, also=('internal',))
    _drop_org_unit_column('ledger_entry', index=True)
    with op.batch_alter_table('transfer_in_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_in_line_transfer_in_id'))

    op.drop_table('transfer_in_line')
    with op.batch_alter_table('internal_settlement_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_internal_settlement_line_transfer_line_id'))
        batch_op.drop_index(batch_op.f('ix_internal_settlement_line_settlement_id'))

    op.drop_table('internal_settlement_line')
    with op.batch_alter_table('transfer_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_order_line_transfer_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_order_line_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_order_line_material_id'))

    op.drop_table('transfer_order_line')
    with op.batch_alter_table('transfer_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_in_out_date'))

    op.drop_table('transfer_in')
    with op.batch_alter_table('transfer_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_order_to_org_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_order_order_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_order_order_date'))
        batch_op.drop_index(batch_op.f('ix_transfer_order_from_org_id'))

    op.drop_table('transfer_order')
    with op.batch_alter_table('internal_invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_internal_invoice_supplier_org_id'))
        batch_op.drop_index(batch_op.f('ix_internal_invoice_invoice_date'))
        batch_op.drop_index(batch_op.f('ix_internal_invoice_buyer_org_id'))

    op.drop_table('internal_invoice')
    with op.batch_alter_table('internal_settlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_internal_settlement_supplier_org_id'))
        batch_op.drop_index(batch_op.f('ix_internal_settlement_period'))
        batch_op.drop_index(batch_op.f('ix_internal_settlement_buyer_org_id'))

    op.drop_table('internal_settlement')
    with op.batch_alter_table('internal_price_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_internal_price_rule_supplier_org_id'))
        batch_op.drop_index(batch_op.f('ix_internal_price_rule_price_list_id'))
        batch_op.drop_index(batch_op.f('ix_internal_price_rule_buyer_org_id'))

    op.drop_table('internal_price_rule')
    op.drop_table('internal_customer')
    with op.batch_alter_table('org_unit_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_unit_member_org_unit_id'))

    op.drop_table('org_unit_member')
