"""find instance summary: the auditors' read model of every process instance (customer, amount, flags, and the columns the find page filters and sorts on), filled for the instances already there

Revision ID: 5c2e8a7f1d93
Revises: 3b7e9d1a4c62
Create Date: 2026-12-06 22:40:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import ScaledDecimal, UTCDateTime
from app.services.instance_summaries import summary_figures

revision = '5c2e8a7f1d93'
down_revision = '3b7e9d1a4c62'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_instance_summary_started", ["started_at", "instance_id"]),
    ("ix_instance_summary_status_started", ["status", "started_at"]),
    ("ix_instance_summary_process_started", ["process_key", "started_at"]),
    ("ix_instance_summary_starter_started", ["started_by_id", "started_at"]),
    ("ix_instance_summary_customer_started", ["customer_code", "started_at"]),
    ("ix_instance_summary_amount", ["amount", "instance_id"]),
    ("ix_instance_summary_ended", ["ended_at", "instance_id"]),
    ("ix_instance_summary_exception_started", ["exception", "started_at"]),
    ("ix_instance_summary_admin_action_started", ["admin_action", "started_at"]),
    ("ix_instance_summary_error_started", ["error", "started_at"]),
    ("ix_instance_summary_business_key", ["business_key"]),
    ("ix_instance_summary_customer_name", ["customer_name"]),
    ("ix_instance_summary_definition_id", ["definition_id"]),
)
# "anyone who acted" as index-only scans of the audit log
AUDIT_EVENT_INDEXES = (
    ("ix_audit_event_actor_instance", ["actor", "instance_id"]),
    ("ix_audit_event_on_behalf_of_instance", ["on_behalf_of", "instance_id"]),
)
BATCH = 1000


def upgrade():
    op.create_table(
        'instance_summary',
        sa.Column('instance_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('definition_id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('business_key', sa.String(length=128), nullable=True),
        sa.Column('started_by_id', sa.Integer(), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('ended_at', UTCDateTime(), nullable=True),
        sa.Column('customer_code', sa.String(length=32), nullable=True),
        sa.Column('customer_name', sa.String(length=255), nullable=True),
        sa.Column('amount', ScaledDecimal(scale=2), nullable=True),
        sa.Column('exception', sa.Boolean(), nullable=False),
        sa.Column('admin_action', sa.Boolean(), nullable=False),
        sa.Column('error', sa.Boolean(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'],
                                name=op.f('fk_instance_summary_definition_id_process_definition')),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ondelete='CASCADE',
                                name=op.f('fk_instance_summary_instance_id_process_instance')),
        sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name=op.f('fk_instance_summary_started_by_id_user')),
        sa.PrimaryKeyConstraint('instance_id', name=op.f('pk_instance_summary')),
    )
    with op.batch_alter_table('instance_summary', schema=None) as batch_op:
        for name, columns in INDEXES:
            batch_op.create_index(name, columns, unique=False)
    for name, columns in AUDIT_EVENT_INDEXES:  # indexes only: the append-only triggers stay as they are
        op.create_index(name, 'audit_event', columns, unique=False)
    _backfill()


def _backfill():
    """One row per existing instance: its columns, the customer and amount
    read from its data as the running code reads them (from its start
    event's data when the instance keeps none), and the flags from its audit
    events and credit overrides."""
    bind = op.get_bind()
    instance = sa.table('process_instance', sa.column('id'), sa.column('definition_id'), sa.column('process_key'),
                        sa.column('status'), sa.column('business_key'), sa.column('started_by_id'),
                        sa.column('started_at', UTCDateTime()), sa.column('ended_at', UTCDateTime()),
                        sa.column('data', sa.JSON()), sa.column('audit_seq'))
    customer = sa.table('customer', sa.column('code'), sa.column('name'))
    summary = sa.table('instance_summary', *(sa.column(name) for name in (
        'instance_id', 'definition_id', 'process_key', 'status', 'business_key', 'started_by_id', 'exception',
        'admin_action', 'error', 'revision', 'customer_code', 'customer_name')),
        sa.column('started_at', UTCDateTime()), sa.column('ended_at', UTCDateTime()),
        sa.column('amount', ScaledDecimal(scale=2)))
    names = dict(bind.execute(sa.select(customer.c.code, customer.c.name)).all())
    last = 0
    while True:
        rows = bind.execute(sa.select(instance).where(instance.c.id > last).order_by(instance.c.id).limit(BATCH)).all()
        if not rows:
            break
        values = []
        for row in rows:
            code, name, amount = summary_figures(row.data or {})
            if (code is None and name is None) or amount is None:
                # A cancelled engine keeps no data; the start event still has what the request was for.
                started = _start_data(bind, row.id)
                start_code, start_name, start_amount = summary_figures(started)
                if code is None and name is None:
                    code, name = start_code, start_name
                amount = amount if amount is not None else start_amount
            values.append({
                "instance_id": row.id, "definition_id": row.definition_id, "process_key": row.process_key,
                "status": row.status, "business_key": row.business_key, "started_by_id": row.started_by_id,
                "started_at": row.started_at, "ended_at": row.ended_at, "customer_code": code,
                "customer_name": names.get(code, name) if code else name, "amount": amount,
                "exception": False, "admin_action": False, "error": row.status == "error", "revision": row.audit_seq})
        bind.execute(summary.insert(), values)
        last = rows[-1].id
    op.execute("UPDATE instance_summary SET error = TRUE WHERE instance_id IN "
               "(SELECT instance_id FROM audit_event WHERE kind = 'error')")
    op.execute("UPDATE instance_summary SET admin_action = TRUE WHERE instance_id IN "
               "(SELECT instance_id FROM audit_event WHERE kind IN ('retry', 'task_reassigned')) "
               "OR instance_id IN (SELECT e.instance_id FROM audit_event e "
               "JOIN process_instance i ON i.id = e.instance_id JOIN \"user\" u ON u.id = i.started_by_id "
               "WHERE e.kind = 'instance_cancelled' AND (e.actor IS NULL OR e.actor <> u.username))")
    op.execute("UPDATE instance_summary SET exception = TRUE WHERE instance_id IN "
               "(SELECT c.instance_id FROM service_call c JOIN credit_override o ON o.source_key = "
               "CAST(c.instance_id AS VARCHAR(20)) || ':' || c.task_guid || ':' || c.operation "
               "WHERE c.operation = 'ledger.release_credit_hold')")


def _start_data(bind, instance_id: int) -> dict:
    event = sa.table('audit_event', sa.column('instance_id'), sa.column('kind'), sa.column('data', sa.JSON()))
    data = bind.execute(sa.select(event.c.data).where(event.c.instance_id == instance_id,
                                                      event.c.kind == 'instance_started')).scalar()
    started = (data or {}).get("data") if isinstance(data, dict) else None
    return started if isinstance(started, dict) else {}


def downgrade():
    for name, _ in AUDIT_EVENT_INDEXES:
        op.drop_index(name, table_name='audit_event')
    with op.batch_alter_table('instance_summary', schema=None) as batch_op:
        for name, _ in INDEXES:
            batch_op.drop_index(name)
    op.drop_table('instance_summary')
