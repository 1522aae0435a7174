"""monthly plan: each issued version of a month's sales plan and its target lines, insert-only

Revision ID: a3c1f0e27b64
Revises: b7e2c4a91f30
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import Money, ScaledDecimal, UTCDateTime


revision = 'a3c1f0e27b64'
down_revision = 'b7e2c4a91f30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'monthly_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('amount', Money(), nullable=False),
        sa.Column('quantity', ScaledDecimal(scale=4), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=False),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_monthly_plan_approved_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_plan')),
        sa.UniqueConstraint('number', name=op.f('uq_monthly_plan_number')),
        sa.UniqueConstraint('source_key', name=op.f('uq_monthly_plan_source_key')),
        sa.UniqueConstraint('year', 'month', 'version', name=op.f('uq_monthly_plan_year_month_version')),
    )
    with op.batch_alter_table('monthly_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_plan_year'), ['year'], unique=False)
    op.create_table(
        'monthly_plan_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=False),
        sa.Column('salesperson_id', sa.Integer(), nullable=True),
        sa.Column('class_id', sa.Integer(), nullable=True),
        sa.Column('amount', Money(), nullable=False),
        sa.Column('quantity', ScaledDecimal(scale=4), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['monthly_plan.id'], name=op.f('fk_monthly_plan_line_plan_id_monthly_plan')),
        sa.ForeignKeyConstraint(['salesperson_id'], ['user.id'], name=op.f('fk_monthly_plan_line_salesperson_id_user')),
        sa.ForeignKeyConstraint(['class_id'], ['material_class.id'],
                                name=op.f('fk_monthly_plan_line_class_id_material_class')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_plan_line')),
        sa.UniqueConstraint('plan_id', 'seq', name=op.f('uq_monthly_plan_line_plan_id_seq')),
    )
    with op.batch_alter_table('monthly_plan_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_plan_line_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monthly_plan_line_salesperson_id'), ['salesperson_id'], unique=False)


def downgrade():
    op.drop_table('monthly_plan_line')
    op.drop_table('monthly_plan')
