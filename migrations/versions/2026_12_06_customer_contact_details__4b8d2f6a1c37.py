"""customer contact details: the tax id (read by the duplicate check), address and contact the customer onboarding flow records

Revision ID: 4b8d2f6a1c37
Revises: 8d89585d1ef9
Create Date: 2026-12-06 12:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '4b8d2f6a1c37'
down_revision = '8d89585d1ef9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('contact', sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f('ix_customer_tax_id'), ['tax_id'], unique=False)


def downgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_tax_id'))
        batch_op.drop_column('contact')
        batch_op.drop_column('address')
        batch_op.drop_column('tax_id')
