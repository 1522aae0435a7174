"""heatfast step summaries: the heatmap's counts and duration histograms per version and step, the cycle-time histogram per version and month, a partial index on the open visits; filled from the step_visit and instance_summary rows already there

Revision ID: 9625a26f1244
Revises: 440bd1798265
Create Date: 2026-12-06 10:00:00

"""
from collections import Counter

from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime
from app.services.step_summaries import MEASURES, bucket, bucket_expression, cycle_month
from app.services.step_visits import seconds_between

revision = '9625a26f1244'
down_revision = '440bd1798265'
branch_labels = None
depends_on = None

# The figures these indexes served now come from the summary tables.
RETIRED_INDEXES = (
    ("ix_step_visit_definition_element_working", ["definition_id", "element_id", "working_seconds"]),
    ("ix_step_visit_definition_status_element", ["definition_id", "status", "element_id"]),
)
OPEN_INDEX = ("ix_step_visit_open",
              ["definition_id", "element_id", "assignee_id", "candidate_role", "entered_at", "due_at"])
OPEN = sa.text("status = 'ready'")
BATCH = 1000


def _definition(name):
    return sa.Column('definition_id', sa.Integer(), nullable=False), sa.ForeignKeyConstraint(
        ['definition_id'], ['process_definition.id'], name=op.f(f'fk_{name}_definition_id_process_definition'))


def upgrade():
    column, foreign_key = _definition('step_count')
    op.create_table(
        'step_count', column,
        sa.Column('element_id', sa.String(length=255), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in ('visits', 'rework', 'completed', 'breached')),
        foreign_key, sa.PrimaryKeyConstraint('definition_id', 'element_id', name=op.f('pk_step_count')))
    column, foreign_key = _definition('step_duration')
    op.create_table(
        'step_duration', column,
        sa.Column('element_id', sa.String(length=255), nullable=False),
        sa.Column('measure', sa.String(length=8), nullable=False),
        sa.Column('bucket', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        foreign_key,
        sa.PrimaryKeyConstraint('definition_id', 'element_id', 'measure', 'bucket', name=op.f('pk_step_duration')))
    column, foreign_key = _definition('cycle_duration')
    op.create_table(
        'cycle_duration', column,
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('bucket', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        foreign_key, sa.PrimaryKeyConstraint('definition_id', 'month', 'bucket', name=op.f('pk_cycle_duration')))
    op.create_index('ix_cycle_duration_process_month', 'cycle_duration', ['process_key', 'month'], unique=False)
    for name, _ in RETIRED_INDEXES:
        op.drop_index(name, table_name='step_visit')
    op.create_index(OPEN_INDEX[0], 'step_visit', OPEN_INDEX[1], unique=False,
                    postgresql_where=OPEN, sqlite_where=OPEN)
    backfill(op.get_bind())


def backfill(bind):
    """The summary rows the running code would have counted: a visit per
    step_visit row, a duration per completed visit, a cycle per completed
    instance."""
    visit = sa.table('step_visit', *(sa.column(name) for name in (
        'definition_id', 'element_id', 'visit', 'status', 'breached', 'waiting_seconds', 'working_seconds')))
    count = sa.table('step_count', *(sa.column(name) for name in (
        'definition_id', 'element_id', 'visits', 'rework', 'completed', 'breached')))
    duration = sa.table('step_duration', *(sa.column(name) for name in (
        'definition_id', 'element_id', 'measure', 'bucket', 'count')))
    completed = visit.c.status == 'completed'
    bind.execute(count.insert().from_select(list(count.c), sa.select(
        visit.c.definition_id, visit.c.element_id, sa.func.count(), sa.func.count(sa.case((visit.c.visit > 1, 1))),
        sa.func.count(sa.case((completed, 1))), sa.func.count(sa.case((completed & visit.c.breached, 1))))
        .group_by(visit.c.definition_id, visit.c.element_id)))
    for measure in MEASURES:
        seconds = visit.c[f'{measure}_seconds']
        bucketed = bucket_expression(seconds)
        bind.execute(duration.insert().from_select(list(duration.c), sa.select(
            visit.c.definition_id, visit.c.element_id, sa.literal(measure), bucketed, sa.func.count())
            .where(completed, seconds.is_not(None))
            .group_by(visit.c.definition_id, visit.c.element_id, bucketed)))
    _backfill_cycles(bind)


def _backfill_cycles(bind):
    summary = sa.table('instance_summary', sa.column('definition_id'), sa.column('process_key'),
                       sa.column('status'), sa.column('started_at', UTCDateTime()), sa.column('ended_at', UTCDateTime()))
    cycle = sa.table('cycle_duration', *(sa.column(name) for name in (
        'definition_id', 'month', 'bucket', 'process_key', 'count')))
    counts = Counter()
    for definition_id, process_key, started_at, ended_at in bind.execute(sa.select(
            summary.c.definition_id, summary.c.process_key, summary.c.started_at, summary.c.ended_at)
            .where(summary.c.status == 'completed', summary.c.ended_at.is_not(None))):
        counts[(definition_id, cycle_month(ended_at), bucket(seconds_between(started_at, ended_at)),
                process_key)] += 1
    rows = [{"definition_id": d, "month": m, "bucket": b, "process_key": k, "count": n}
            for (d, m, b, k), n in sorted(counts.items())]
    for start in range(0, len(rows), BATCH):
        bind.execute(cycle.insert(), rows[start:start + BATCH])


def downgrade():
    op.drop_index(OPEN_INDEX[0], table_name='step_visit', postgresql_where=OPEN, sqlite_where=OPEN)
    for name, columns in RETIRED_INDEXES:
        op.create_index(name, 'step_visit', columns, unique=False)
    op.drop_index('ix_cycle_duration_process_month', table_name='cycle_duration')
    for table in ('cycle_duration', 'step_duration', 'step_count'):
        op.drop_table(table)
