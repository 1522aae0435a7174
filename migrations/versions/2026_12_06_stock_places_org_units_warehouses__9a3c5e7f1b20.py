"""organisations and warehouses; every stock movement names its location kind and warehouse (issue 22)

Existing stock moved in the one organisation and warehouse there was: both
are created here (HQ, MAIN) and every movement so far is placed in MAIN.

Revision ID: 9a3c5e7f1b20
Revises: b7e4d2a9c613
Create Date: 2026-12-06 19:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = '9a3c5e7f1b20'
down_revision = 'b7e4d2a9c613'
branch_labels = None
depends_on = None


def _backfill_main_warehouse():
    """stock_movement refuses UPDATE (its immutability trigger): lift the
    trigger for this one placement of history, then put it back."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE stock_movement DISABLE TRIGGER trg_stock_movement_immutable")
        op.execute("UPDATE stock_movement SET warehouse_id = (SELECT id FROM warehouse WHERE code = 'MAIN')")
        op.execute("ALTER TABLE stock_movement ENABLE TRIGGER trg_stock_movement_immutable")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_stock_movement_no_update")
        op.execute("UPDATE stock_movement SET warehouse_id = (SELECT id FROM warehouse WHERE code = 'MAIN')")
        op.execute("CREATE TRIGGER trg_stock_movement_no_update BEFORE UPDATE ON stock_movement "
                   "BEGIN SELECT RAISE(ABORT, 'posted rows of stock_movement are immutable; post a reversal'); END")


def upgrade():
    op.create_table(
        'org_unit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('name_en', sa.String(length=128), nullable=False),
        sa.Column('is_sales', sa.Boolean(), nullable=False),
        sa.Column('is_stock', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_org_unit')),
        sa.UniqueConstraint('code', name=op.f('uq_org_unit_code')),
    )
    op.create_table(
        'warehouse',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('name_en', sa.String(length=128), nullable=False),
        sa.Column('org_unit_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_warehouse_org_unit_id_org_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouse')),
        sa.UniqueConstraint('code', name=op.f('uq_warehouse_code')),
    )
    op.create_index(op.f('ix_warehouse_org_unit_id'), 'warehouse', ['org_unit_id'], unique=False)
    op.execute("INSERT INTO org_unit (code, name, name_en, is_sales, is_stock, created_at) "
               "VALUES ('HQ', '本公司', 'Head company', true, true, CURRENT_TIMESTAMP)")
    op.execute("INSERT INTO warehouse (code, name, name_en, org_unit_id, created_at) "
               "SELECT 'MAIN', '总仓', 'Main warehouse', id, CURRENT_TIMESTAMP FROM org_unit WHERE code = 'HQ'")
    # plain ADD COLUMNs (no table copy), so stock_movement keeps its immutability triggers on SQLite
    op.add_column('stock_movement', sa.Column('location', sa.String(length=16), server_default='warehouse', nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        op.add_column('stock_movement', sa.Column('warehouse_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_stock_movement_warehouse_id_warehouse'), 'stock_movement', 'warehouse',
                              ['warehouse_id'], ['id'])
    else:  # SQLite adds a column with its reference in place (alembic would copy the table for it)
        op.execute("ALTER TABLE stock_movement ADD COLUMN warehouse_id INTEGER "
                   "CONSTRAINT fk_stock_movement_warehouse_id_warehouse REFERENCES warehouse (id)")
    op.create_index(op.f('ix_stock_movement_warehouse_id'), 'stock_movement', ['warehouse_id'], unique=False)
    _backfill_main_warehouse()


def downgrade():
    op.drop_index(op.f('ix_stock_movement_warehouse_id'), table_name='stock_movement')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('fk_stock_movement_warehouse_id_warehouse'), 'stock_movement', type_='foreignkey')
        op.drop_column('stock_movement', 'warehouse_id')
        op.drop_column('stock_movement', 'location')
    else:
        with op.batch_alter_table('stock_movement', schema=None) as batch_op:
            batch_op.drop_column('warehouse_id')
            batch_op.drop_column('location')
    op.drop_index(op.f('ix_warehouse_org_unit_id'), table_name='warehouse')
    op.drop_table('warehouse')
    op.drop_table('org_unit')
