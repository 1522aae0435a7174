"""price adjustment sheet lines of several kinds: reprice, new_item, add_rule, end_rule, retarget_rule (F16, issue 21)

Revision ID: b7e4d2a9c613
Revises: 815b78c192c5
Create Date: 2026-12-06 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e4d2a9c613'
down_revision = '815b78c192c5'
branch_labels = None
depends_on = None

TABLE = 'price_adjustment_sheet_line'
# column, referred table, unique
REFERENCES = (('new_item_id', 'price_item', True), ('customer_id', 'customer', False),
              ('customer_class_id', 'customer_class', False), ('rule_id', 'price_rule', False),
              ('new_rule_id', 'price_rule', True), ('target_list_id', 'price_list', False),
              ('target_strategy_id', 'pricing_strategy', False))


def upgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='reprice', nullable=False))
        for column, _table, _unique in REFERENCES:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=True))
        for column in ('unit', 'old_item_id', 'old_price', 'new_price'):
            batch_op.alter_column(column, existing_nullable=False, nullable=True)
        for column, table, unique in REFERENCES:
            batch_op.create_foreign_key(batch_op.f(f'fk_{TABLE}_{column}_{table}'), table, [column], ['id'])
            if unique:
                batch_op.create_unique_constraint(batch_op.f(f'uq_{TABLE}_{column}'), [column])


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for column, table, unique in REFERENCES:
            if unique:
                batch_op.drop_constraint(batch_op.f(f'uq_{TABLE}_{column}'), type_='unique')
            batch_op.drop_constraint(batch_op.f(f'fk_{TABLE}_{column}_{table}'), type_='foreignkey')
        for column in ('unit', 'old_item_id', 'old_price', 'new_price'):
            batch_op.alter_column(column, existing_nullable=True, nullable=False)
        batch_op.drop_column('priority')
        for column, _table, _unique in reversed(REFERENCES):
            batch_op.drop_column(column)
        batch_op.drop_column('kind')
