"""sales orders: the cancellation record (an unpaid mail order is cancelled
by a record, never by changing or deleting the order)

Revision ID: b3f6a1d2c9e4
Revises: 178e7eeff4ea
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


revision = 'b3f6a1d2c9e4'
down_revision = '178e7eeff4ea'
branch_labels = None
depends_on = None

TABLE = "sales_order_cancellation"


def upgrade():
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('previous_status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('cancelled_on', sa.Date(), nullable=False),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('source_key', sa.String(length=160), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['user.id'], name=op.f('fk_sales_order_cancellation_cancelled_by_id_user')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_order_cancellation_order_id_sales_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order_cancellation')),
    sa.UniqueConstraint('order_id', name=op.f('uq_sales_order_cancellation_order_id')),
    sa.UniqueConstraint('source_key', name=op.f('uq_sales_order_cancellation_source_key'))
    )
    # insert-only like the other posted tables (the ledger migration's triggers)
    bind = op.get_bind()
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
    op.drop_table(TABLE)
