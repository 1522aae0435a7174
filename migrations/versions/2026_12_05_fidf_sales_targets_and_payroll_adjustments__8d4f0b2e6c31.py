"""performance review: per-person quarterly sales targets, and the approved rewards and penalties posted for payroll

Revision ID: 8d4f0b2e6c31
Revises: 7c3e9a1d5b20
Create Date: 2026-12-05 19:20:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import Money, UTCDateTime


revision = '8d4f0b2e6c31'
down_revision = '7c3e9a1d5b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sales_target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('quarter', sa.String(length=7), nullable=False),
        sa.Column('amount', Money(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['employee_id'], ['user.id'], name=op.f('fk_sales_target_employee_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_target')),
    )
    with op.batch_alter_table('sales_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_target_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_target_quarter'), ['quarter'], unique=False)
    op.create_table(
        'payroll_adjustment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('quarter', sa.String(length=7), nullable=False),
        sa.Column('rewards', Money(), nullable=False),
        sa.Column('penalties', Money(), nullable=False),
        sa.Column('posting_date', sa.Date(), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('source_key', sa.String(length=160), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_payroll_adjustment_approved_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_adjustment')),
        sa.UniqueConstraint('number', name=op.f('uq_payroll_adjustment_number')),
        sa.UniqueConstraint('source_key', name=op.f('uq_payroll_adjustment_source_key')),
    )
    with op.batch_alter_table('payroll_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payroll_adjustment_quarter'), ['quarter'], unique=False)
    op.create_table(
        'payroll_adjustment_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('adjustment_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('amount', Money(), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['adjustment_id'], ['payroll_adjustment.id'],
                                name=op.f('fk_payroll_adjustment_line_adjustment_id_payroll_adjustment')),
        sa.ForeignKeyConstraint(['employee_id'], ['user.id'], name=op.f('fk_payroll_adjustment_line_employee_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_adjustment_line')),
        sa.UniqueConstraint('adjustment_id', 'seq', name=op.f('uq_payroll_adjustment_line_adjustment_id_seq')),
    )
    with op.batch_alter_table('payroll_adjustment_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payroll_adjustment_line_adjustment_id'), ['adjustment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payroll_adjustment_line_employee_id'), ['employee_id'], unique=False)


def downgrade():
    op.drop_table('payroll_adjustment_line')
    op.drop_table('payroll_adjustment')
    op.drop_table('sales_target')
