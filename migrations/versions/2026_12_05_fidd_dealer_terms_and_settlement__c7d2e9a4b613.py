"""dealer terms (annual target, special discount), the recruitment handbook and its publications, and the settlement terms of an order

Revision ID: c7d2e9a4b613
Revises: c3f0a7d91b24
Create Date: 2026-12-05 19:10:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import ScaledDecimal, UTCDateTime


revision = 'c7d2e9a4b613'
down_revision = 'c3f0a7d91b24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'recruitment_handbook',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=32), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=False),
        sa.Column('approved_at', UTCDateTime(), nullable=False),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_recruitment_handbook_attachment_id_attachment')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_recruitment_handbook_approved_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recruitment_handbook')),
        sa.UniqueConstraint('version', name=op.f('uq_recruitment_handbook_version')),
        sa.UniqueConstraint('source_key', name=op.f('uq_recruitment_handbook_source_key')),
    )
    with op.batch_alter_table('recruitment_handbook', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recruitment_handbook_effective_from'), ['effective_from'], unique=False)
    op.create_table(
        'recruitment_publication',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('handbook_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=64), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['handbook_id'], ['recruitment_handbook.id'], name=op.f('fk_recruitment_publication_handbook_id_recruitment_handbook')),
        sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_recruitment_publication_published_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recruitment_publication')),
        sa.UniqueConstraint('source_key', name=op.f('uq_recruitment_publication_source_key')),
    )
    with op.batch_alter_table('recruitment_publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recruitment_publication_handbook_id'), ['handbook_id'], unique=False)
    op.create_table(
        'dealer_terms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('annual_target', ScaledDecimal(2), nullable=False),
        sa.Column('special_discount_pct', ScaledDecimal(4), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('handbook_id', sa.Integer(), nullable=True),
        sa.Column('contract_number', sa.String(length=64), nullable=True),
        sa.Column('recheck_date', sa.Date(), nullable=True),
        sa.Column('recheck_findings', sa.String(length=2000), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_dealer_terms_customer_id_customer')),
        sa.ForeignKeyConstraint(['handbook_id'], ['recruitment_handbook.id'], name=op.f('fk_dealer_terms_handbook_id_recruitment_handbook')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_dealer_terms_approved_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_terms')),
        sa.UniqueConstraint('source_key', name=op.f('uq_dealer_terms_source_key')),
    )
    with op.batch_alter_table('dealer_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dealer_terms_customer_id'), ['customer_id'], unique=False)
    op.create_table(
        'order_settlement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('terms', sa.String(length=32), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_order_settlement_order_id_sales_order')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_settlement')),
        sa.UniqueConstraint('order_id', name=op.f('uq_order_settlement_order_id')),
    )


def downgrade():
    op.drop_table('order_settlement')
    with op.batch_alter_table('dealer_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dealer_terms_customer_id'))
    op.drop_table('dealer_terms')
    with op.batch_alter_table('recruitment_publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recruitment_publication_handbook_id'))
    op.drop_table('recruitment_publication')
    with op.batch_alter_table('recruitment_handbook', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recruitment_handbook_effective_from'))
    op.drop_table('recruitment_handbook')
