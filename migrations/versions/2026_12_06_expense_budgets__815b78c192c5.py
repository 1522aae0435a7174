"""expense budgets: per department, region, category and year, insert-only versions set by finance; and the advances and claims charged against them (F22)

Revision ID: 815b78c192c5
Revises: 5d1f8e3a9c27
Create Date: 2026-12-06 15:02:22

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '815b78c192c5'
down_revision = '5d1f8e3a9c27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expense_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=128), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('amount', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_expense_budget_amount_not_negative')),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_expense_budget_set_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_budget')),
    sa.UniqueConstraint('department', 'region', 'category', 'year', 'version', name='one_version')
    )
    with op.batch_alter_table('expense_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_budget_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_budget_year'), ['year'], unique=False)

    op.create_table('expense_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=128), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('advance_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('amount', app.models.types.ScaledDecimal(scale=2), nullable=False),
    sa.Column('charge_date', sa.Date(), nullable=False),
    sa.Column('source_key', sa.String(length=160), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(advance_id IS NULL) <> (claim_id IS NULL)', name=op.f('ck_expense_charge_one_source')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_expense_charge_positive_amount')),
    sa.ForeignKeyConstraint(['advance_id'], ['employee_advance.id'], name=op.f('fk_expense_charge_advance_id_employee_advance')),
    sa.ForeignKeyConstraint(['claim_id'], ['expense_claim.id'], name=op.f('fk_expense_charge_claim_id_expense_claim')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_charge'))
    )
    with op.batch_alter_table('expense_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_charge_advance_id'), ['advance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_charge_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_charge_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_charge_source_key'), ['source_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_charge_year'), ['year'], unique=False)



def downgrade():
    with op.batch_alter_table('expense_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_charge_year'))
        batch_op.drop_index(batch_op.f('ix_expense_charge_source_key'))
        batch_op.drop_index(batch_op.f('ix_expense_charge_department'))
        batch_op.drop_index(batch_op.f('ix_expense_charge_claim_id'))
        batch_op.drop_index(batch_op.f('ix_expense_charge_advance_id'))

    op.drop_table('expense_charge')
    with op.batch_alter_table('expense_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_budget_year'))
        batch_op.drop_index(batch_op.f('ix_expense_budget_department'))

    op.drop_table('expense_budget')
