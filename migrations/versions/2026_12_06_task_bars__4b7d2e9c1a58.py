"""task bars: who segregation of duties bars from each READY approval task, kept beside it so the work list leaves refused approvals out in SQL; filled for the approvals open now

Revision ID: 4b7d2e9c1a58
Revises: 4b8d2f6a1c37
Create Date: 2026-12-06 12:40:00

"""
import json

from alembic import op
import sqlalchemy as sa


revision = '4b7d2e9c1a58'
down_revision = '4b8d2f6a1c37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'task_bar',
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                                name=op.f('fk_task_bar_instance_id_process_instance'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['task_id'], ['human_task.id'], name=op.f('fk_task_bar_task_id_human_task'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_task_bar_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('task_id', 'user_id', name=op.f('pk_task_bar')),
    )
    op.create_index(op.f('ix_task_bar_instance_id'), 'task_bar', ['instance_id'], unique=False)
    op.create_index('ix_task_bar_user_task', 'task_bar', ['user_id', 'task_id'], unique=False)
    _fill()


def _chain(value):
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return value or []


def _fill():
    """The bars of the approvals open now, as segregation.barred_people
    decides them: the requester; whoever did a maker step the diagram names
    for it, or approved another step of its stage (with whom they acted for
    and the task's delegation chain)."""
    bind = op.get_bind()
    open_approvals = bind.execute(sa.text(
        "SELECT t.id, t.instance_id, t.element_id, t.approval_stage, i.started_by_id, d.user_tasks "
        "FROM human_task t JOIN process_instance i ON i.id = t.instance_id "
        "JOIN process_definition d ON d.id = i.definition_id "
        "WHERE t.status = 'ready' AND t.is_approval")).all()
    rows = []
    for task_id, instance_id, element_id, stage, starter, user_tasks in open_approvals:
        if isinstance(user_tasks, str):
            user_tasks = json.loads(user_tasks)
        makers = next((tuple(t.get("makers") or ()) for t in user_tasks or () if t.get("element_id") == element_id), ())
        barred = {starter: "requester"}
        for done in bind.execute(sa.text(
                "SELECT element_id, is_approval, outcome, approval_stage, completed_by_id, on_behalf_of_id, "
                "delegation_chain FROM human_task WHERE instance_id = :i AND status = 'completed' ORDER BY id"),
                {"i": instance_id}):
            maker = done.element_id in makers and done.element_id != element_id
            approver = (done.is_approval and done.outcome == "approve" and done.element_id != element_id
                        and done.approval_stage == stage)
            if not (maker or approver):
                continue
            for person in (done.completed_by_id, done.on_behalf_of_id, *_chain(done.delegation_chain)):
                if person is not None:
                    barred.setdefault(person, "maker" if maker else "approver")
        rows += [{"task_id": task_id, "user_id": person, "instance_id": instance_id, "reason": reason}
                 for person, reason in barred.items() if person is not None]
    if rows:
        op.bulk_insert(sa.table('task_bar', sa.column('task_id'), sa.column('user_id'), sa.column('instance_id'),
                                sa.column('reason')), rows)


def downgrade():
    op.drop_index('ix_task_bar_user_task', table_name='task_bar')
    op.drop_index(op.f('ix_task_bar_instance_id'), table_name='task_bar')
    op.drop_table('task_bar')
