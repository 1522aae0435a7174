"""pricing strategies (定价策略): a base list's price less a discount or plus a markup; a rule points at a list or a strategy

Revision ID: e5c2a7d41b93
Revises: a3c1f0e27b64
Create Date: 2026-12-06 13:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import ScaledDecimal, UTCDateTime


revision = 'e5c2a7d41b93'
down_revision = 'a3c1f0e27b64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pricing_strategy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('base_price_list_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('rate', ScaledDecimal(scale=4), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("method IN ('discount', 'markup')", name=op.f('ck_pricing_strategy_method')),
        sa.ForeignKeyConstraint(['base_price_list_id'], ['price_list.id'],
                                name=op.f('fk_pricing_strategy_base_price_list_id_price_list')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_strategy')),
        sa.UniqueConstraint('code', name=op.f('uq_pricing_strategy_code')),
    )
    with op.batch_alter_table('pricing_strategy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pricing_strategy_base_price_list_id'), ['base_price_list_id'], unique=False)
    with op.batch_alter_table('price_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pricing_strategy_id', sa.Integer(), nullable=True))
        batch_op.alter_column('price_list_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_price_rule_pricing_strategy_id'), ['pricing_strategy_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_price_rule_pricing_strategy_id_pricing_strategy'), 'pricing_strategy',
                                    ['pricing_strategy_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_price_rule_list_or_strategy'),
                                         '(price_list_id IS NULL) <> (pricing_strategy_id IS NULL)')


def downgrade():
    with op.batch_alter_table('price_rule', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_price_rule_list_or_strategy'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_price_rule_pricing_strategy_id_pricing_strategy'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_price_rule_pricing_strategy_id'))
        batch_op.alter_column('price_list_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('pricing_strategy_id')
    with op.batch_alter_table('pricing_strategy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pricing_strategy_base_price_list_id'))
    op.drop_table('pricing_strategy')
