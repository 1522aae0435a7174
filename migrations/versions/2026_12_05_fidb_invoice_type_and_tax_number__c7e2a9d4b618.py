"""invoices keep the kind of VAT invoice asked for and the number printed on it

Revision ID: c7e2a9d4b618
Revises: 5e2b9c4d7a13
Create Date: 2026-12-05 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c7e2a9d4b618'
down_revision = '5e2b9c4d7a13'
branch_labels = None
depends_on = None

TYPES = "'special_vat', 'ordinary_vat', 'digital_special_vat', 'digital_ordinary_vat'"


def _restore_sqlite_immutability():
    """SQLite rebuilds the table to add a check constraint, which drops its
    triggers: posted invoices stay immutable, so they are made again."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_invoice_no_{event.lower()}")
            op.execute(f"CREATE TRIGGER trg_invoice_no_{event.lower()} BEFORE {event} ON invoice "
                       "BEGIN SELECT RAISE(ABORT, 'posted rows of invoice are immutable; post a reversal'); END")


def upgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoice_type', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('tax_invoice_number', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_invoice_tax_invoice_number'), ['tax_invoice_number'], unique=False)
        batch_op.create_check_constraint(op.f('ck_invoice_known_invoice_type'), f"invoice_type IN ({TYPES})")
    _restore_sqlite_immutability()


def downgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invoice_known_invoice_type'), type_='check')
        batch_op.drop_index(batch_op.f('ix_invoice_tax_invoice_number'))
        batch_op.drop_column('tax_invoice_number')
        batch_op.drop_column('invoice_type')
    _restore_sqlite_immutability()
