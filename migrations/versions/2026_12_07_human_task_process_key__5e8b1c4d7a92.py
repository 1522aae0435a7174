"""every task row names its process (human_task.process_key), so the work list counts and filters by process without joining each task to its instance; the list's lanes are indexed in page order

Existing rows take their instance's process key. Two partial indexes hold
the open tasks in the work list's page order: by holder, and unclaimed by
role and organisation.

Revision ID: 5e8b1c4d7a92
Revises: 7c2e9f4a1d36
Create Date: 2026-12-07 02:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e8b1c4d7a92'
down_revision = '7c2e9f4a1d36'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('human_task', sa.Column('process_key', sa.String(length=128), nullable=True))
    op.execute("UPDATE human_task SET process_key = "
               "(SELECT process_key FROM process_instance WHERE process_instance.id = human_task.instance_id)")
    op.create_index('ix_human_task_status_process', 'human_task', ['status', 'process_key'], unique=False)
    op.create_index('ix_human_task_open_held', 'human_task', ['assignee_id', 'due_at', 'created_at', 'id'],
                    unique=False, postgresql_where=sa.text("status = 'ready'"),
                    sqlite_where=sa.text("status = 'ready'"))
    op.create_index('ix_human_task_open_unclaimed', 'human_task',
                    ['candidate_role', 'candidate_org_id', 'due_at', 'created_at', 'id', 'process_key'], unique=False,
                    postgresql_where=sa.text("status = 'ready' AND assignee_id IS NULL"),
                    sqlite_where=sa.text("status = 'ready' AND assignee_id IS NULL"))
    if op.get_bind().dialect.name == "postgresql":
        # Unclaimed open tasks of a role are nearly all of that role's rows:
        # without joint statistics the planner reckons a clerk's 13,500 as
        # 3 and sorts them all instead of reading the lane's index in order
        # (the null holder is one of the combinations the list keeps).
        op.execute("CREATE STATISTICS st_human_task_open_role (mcv) "
                   "ON candidate_role, candidate_org_id, status, assignee_id FROM human_task")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_human_task_open_role")
    op.drop_index('ix_human_task_open_unclaimed', table_name='human_task')
    op.drop_index('ix_human_task_open_held', table_name='human_task')
    op.drop_index('ix_human_task_status_process', table_name='human_task')
    with op.batch_alter_table('human_task') as batch_op:
        batch_op.drop_column('process_key')
