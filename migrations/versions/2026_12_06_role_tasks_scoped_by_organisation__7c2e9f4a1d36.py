"""role tasks are offered within one organisation: an instance belongs to its starter's organisation, a role task names the organisation whose holders take it

Existing instances belong to their starter's organisation (HQ without a
membership); existing role tasks to their instance's organisation.

Revision ID: 7c2e9f4a1d36
Revises: c4e8a1d7f502
Create Date: 2026-12-06 22:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c2e9f4a1d36'
down_revision = 'c4e8a1d7f502'
branch_labels = None
depends_on = None

_COLUMNS = (("process_instance", "org_unit_id"), ("human_task", "candidate_org_id"))


def upgrade():
    for table, column in _COLUMNS:
        name = f"fk_{table}_{column}_org_unit"
        if op.get_bind().dialect.name == "postgresql":
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(name), table, 'org_unit', [column], ['id'])
        else:  # SQLite adds a column with its reference in place (alembic would copy the table for it)
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES org_unit (id)")
    op.execute("UPDATE process_instance SET org_unit_id = COALESCE("
               "(SELECT org_unit_id FROM org_unit_member WHERE org_unit_member.user_id = process_instance.started_by_id), "
               "(SELECT id FROM org_unit WHERE code = 'HQ'))")
    op.execute("UPDATE human_task SET candidate_org_id = "
               "(SELECT org_unit_id FROM process_instance WHERE process_instance.id = human_task.instance_id) "
               "WHERE candidate_role IS NOT NULL")


def downgrade():
    for table, column in reversed(_COLUMNS):
        with op.batch_alter_table(table) as batch_op:
            if op.get_bind().dialect.name == "postgresql":
                batch_op.drop_constraint(f"fk_{table}_{column}_org_unit", type_="foreignkey")
            batch_op.drop_column(column)
