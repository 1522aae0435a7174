"""staffing plan: each role is office (内勤) or field (外勤) work; a person may be stationed at a field office (驻外机构)

Revision ID: 7c3e9a1d5b20
Revises: cd0207d1bad8
Create Date: 2026-12-05 19:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c3e9a1d5b20'
down_revision = 'cd0207d1bad8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staffing', sa.Enum('office', 'field', name='staffing', native_enum=False, length=16),
                                      nullable=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('field_office', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('field_office')
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.drop_column('staffing')
