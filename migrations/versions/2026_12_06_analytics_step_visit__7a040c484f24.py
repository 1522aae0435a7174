"""analytics step visit: the process analytics' read model (one row per user task visit with its waiting and working time, breach and visit number), filled for the tasks already there

Revision ID: 7a040c484f24
Revises: 7e2b4c9d1a63
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime
from app.services.step_visits import visit_figures

revision = '7a040c484f24'
down_revision = '7e2b4c9d1a63'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_step_visit_definition_element_waiting", ["definition_id", "element_id", "waiting_seconds"]),
    ("ix_step_visit_definition_element_working", ["definition_id", "element_id", "working_seconds"]),
    ("ix_step_visit_definition_status_element", ["definition_id", "status", "element_id"]),
    ("ix_step_visit_instance_element", ["instance_id", "element_id"]),
)
# The events that put a task in somebody's hands: its first one is the first claim.
CLAIMING_KINDS = ("task_claimed", "task_delegated", "task_reassigned")
BATCH = 1000


def upgrade():
    op.create_table(
        'step_visit',
        sa.Column('human_task_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('definition_id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('element_id', sa.String(length=255), nullable=False),
        sa.Column('visit', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('candidate_role', sa.String(length=64), nullable=True),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('entered_at', UTCDateTime(), nullable=False),
        sa.Column('claimed_at', UTCDateTime(), nullable=True),
        sa.Column('closed_at', UTCDateTime(), nullable=True),
        sa.Column('due_at', UTCDateTime(), nullable=True),
        sa.Column('waiting_seconds', sa.Integer(), nullable=True),
        sa.Column('working_seconds', sa.Integer(), nullable=True),
        sa.Column('breached', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], ondelete='CASCADE',
                                name=op.f('fk_step_visit_human_task_id_human_task')),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ondelete='CASCADE',
                                name=op.f('fk_step_visit_instance_id_process_instance')),
        sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'],
                                name=op.f('fk_step_visit_definition_id_process_definition')),
        sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_step_visit_assignee_id_user')),
        sa.PrimaryKeyConstraint('human_task_id', name=op.f('pk_step_visit')),
    )
    with op.batch_alter_table('step_visit', schema=None) as batch_op:
        for name, columns in INDEXES:
            batch_op.create_index(name, columns, unique=False)
    backfill(op.get_bind())


def backfill(bind):
    """One row per existing human task, as the running code would have
    written it: the visit number counts the step's earlier tasks in the
    instance, the first claim is the first claiming event of the task."""
    task = sa.table('human_task', sa.column('id'), sa.column('instance_id'), sa.column('task_guid'),
                    sa.column('element_id'), sa.column('status'), sa.column('candidate_role'),
                    sa.column('assignee_id'), sa.column('created_at', UTCDateTime()),
                    sa.column('claimed_at', UTCDateTime()), sa.column('completed_at', UTCDateTime()),
                    sa.column('due_at', UTCDateTime()))
    instance = sa.table('process_instance', sa.column('id'), sa.column('definition_id'), sa.column('process_key'))
    event = sa.table('audit_event', sa.column('kind'), sa.column('task_id'), sa.column('at', UTCDateTime()))
    visit = sa.table('step_visit', *(sa.column(name) for name in (
        'human_task_id', 'instance_id', 'definition_id', 'process_key', 'element_id', 'visit', 'status',
        'candidate_role', 'assignee_id', 'waiting_seconds', 'working_seconds', 'breached')),
        *(sa.column(name, UTCDateTime()) for name in ('entered_at', 'claimed_at', 'closed_at', 'due_at')))
    first_claims = dict(bind.execute(sa.select(event.c.task_id, sa.func.min(event.c.at))
                                     .where(event.c.kind.in_(CLAIMING_KINDS)).group_by(event.c.task_id)).all())
    seen: dict[tuple[int, str], int] = {}
    last = 0
    while True:
        rows = bind.execute(sa.select(task, instance.c.definition_id, instance.c.process_key)
                            .join(instance, instance.c.id == task.c.instance_id)
                            .where(task.c.id > last).order_by(task.c.id).limit(BATCH)).all()
        if not rows:
            break
        values = []
        for row in rows:
            number = seen[(row.instance_id, row.element_id)] = seen.get((row.instance_id, row.element_id), 0) + 1
            claimed = first_claims.get(row.task_guid) or row.claimed_at
            closed = row.completed_at if row.status != "ready" else None
            values.append({"human_task_id": row.id, "instance_id": row.instance_id,
                           "definition_id": row.definition_id, "process_key": row.process_key,
                           "element_id": row.element_id, "visit": number, "status": row.status,
                           "candidate_role": row.candidate_role, "assignee_id": row.assignee_id,
                           "entered_at": row.created_at, "claimed_at": claimed, "closed_at": closed,
                           "due_at": row.due_at,
                           **visit_figures(row.status, row.created_at, claimed, closed, row.due_at)})
        bind.execute(visit.insert(), values)
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table('step_visit', schema=None) as batch_op:
        for name, _ in reversed(INDEXES):
            batch_op.drop_index(name)
    op.drop_table('step_visit')
