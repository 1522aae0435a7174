"""sales orders: draft until reviewed (who approved, when), unpriced lines, the delivery terms; shipping notes: transport mode, delivery address, in-city or out-of-town route and the QC certificate

Revision ID: c7a41e9d2b58
Revises: c7e2a9d4f016
Create Date: 2026-12-05 19:10:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = 'c7a41e9d2b58'
down_revision = 'c7e2a9d4f016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('delivery_place', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('delivery_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('acceptance_terms', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('settlement_terms', sa.String(length=255), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_sales_order_approved_by_id_user'), 'user', ['approved_by_id'], ['id'])
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priced', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('shipping_note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transport_mode', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('delivery_address', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('route', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('qc_certificate_no', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('qc_certificate_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('qc_certificate_sha256', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('shipping_note', schema=None) as batch_op:
        for name in ('qc_certificate_sha256', 'qc_certificate_name', 'qc_certificate_no', 'route', 'delivery_address',
                     'transport_mode'):
            batch_op.drop_column(name)
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.drop_column('priced')
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sales_order_approved_by_id_user'), type_='foreignkey')
        for name in ('settlement_terms', 'acceptance_terms', 'delivery_date', 'delivery_place', 'approved_at',
                     'approved_by_id'):
            batch_op.drop_column(name)
