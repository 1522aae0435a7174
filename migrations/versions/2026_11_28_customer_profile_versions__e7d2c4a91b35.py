"""customers: the versioned master data (customer_profile) — class, region,
channel, salesperson, payment days, hold and active flags, valid from a date,
insert-only; every existing customer gets its opening version, valid from the
day it was created, so the history is complete

Revision ID: e7d2c4a91b35
Revises: b3f6a1d2c9e4
Create Date: 2026-11-28 12:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


revision = 'e7d2c4a91b35'
down_revision = 'b3f6a1d2c9e4'
branch_labels = None
depends_on = None

TABLE = "customer_profile"
VERSIONED = "customer_class, class_id, channel, region, province, salesperson_id, payment_days, on_hold, active"


def upgrade():
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('customer_class', sa.String(length=64), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('province', sa.String(length=64), nullable=True),
    sa.Column('salesperson_id', sa.Integer(), nullable=True),
    sa.Column('payment_days', sa.Integer(), nullable=False),
    sa.Column('on_hold', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('source_key', sa.String(length=160), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['customer_class.id'], name=op.f('fk_customer_profile_class_id_customer_class')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_profile_customer_id_customer')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_customer_profile_decided_by_id_user')),
    sa.ForeignKeyConstraint(['salesperson_id'], ['user.id'], name=op.f('fk_customer_profile_salesperson_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_profile')),
    sa.UniqueConstraint('source_key', name=op.f('uq_customer_profile_source_key'))
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_profile_customer_id'), ['customer_id'], unique=False)

    bind = op.get_bind()
    # the opening version of every customer that exists: what its row says
    # now, valid from the (UTC) day it was created
    created_day = "date(created_at)" if bind.dialect.name == "sqlite" else "CAST(created_at AS DATE)"
    op.execute(f"INSERT INTO {TABLE} (customer_id, valid_from, {VERSIONED}, reason, decided_by_id, source_key, created_at) "
               f"SELECT id, {created_day}, {VERSIONED}, 'opening version (back-filled)', NULL, "
               f"'backfill:customer_profile:' || id, created_at FROM customer")

    # insert-only like the other posted tables (the ledger migration's triggers)
    if bind.dialect.name == "postgresql":
        op.execute(f"CREATE TRIGGER trg_{TABLE}_immutable BEFORE UPDATE OR DELETE ON {TABLE} "
                   f"FOR EACH ROW EXECUTE FUNCTION lanes_refuse_posted_change()")
    elif bind.dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER trg_{TABLE}_no_{event.lower()} BEFORE {event} ON {TABLE} "
                       f"BEGIN SELECT RAISE(ABORT, 'posted rows of {TABLE} are immutable; post a reversal'); END")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS trg_{TABLE}_immutable ON {TABLE}")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_profile_customer_id'))
    op.drop_table(TABLE)
