"""sales summary: the report's shipped, invoiced and received amounts per day (and month), kept as documents post

Revision ID: 8a4eb2eab722
Revises: 9625a26f1244
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import Money


revision = '8a4eb2eab722'
down_revision = '9625a26f1244'
branch_labels = None
depends_on = None

# The amounts report_facts reads from the documents; on SQLite money is an
# integer count of cents, so a shipping line's share is rounded to whole cents.
PRORATED = {"postgresql": "ROUND(ol.gross * sl.qty / NULLIF(ol.qty, 0), 2)",
            "sqlite": "CAST(ROUND(CAST(ol.gross AS REAL) * sl.qty / NULLIF(ol.qty, 0)) AS INTEGER)"}
MONTH = {"postgresql": "CAST(date_trunc('month', day) AS DATE)", "sqlite": "date(day, 'start of month')"}

FACTS = """
SELECT n.posted_date AS day, 'shipped' AS measure, COALESCE(o.salesperson_id, 0) AS salesperson_id,
       o.customer_id AS customer_id, COALESCE(o.region, '') AS region, m.class_id AS class_id, {prorated} AS amount
FROM shipping_line sl JOIN shipping_note n ON n.id = sl.note_id JOIN sales_order o ON o.id = n.order_id
     JOIN sales_order_line ol ON ol.id = sl.order_line_id JOIN material m ON m.id = sl.material_id
WHERE n.status = 'posted'
UNION ALL
SELECT i.invoice_date, 'invoiced', COALESCE(i.salesperson_id, 0), i.customer_id, COALESCE(i.region, ''),
       il.material_class_id, il.gross
FROM invoice_line il JOIN invoice i ON i.id = il.invoice_id
UNION ALL
SELECT r.receipt_date, 'received', COALESCE(r.salesperson_id, 0), r.customer_id, COALESCE(e.region, ''), 0, r.amount
FROM receipt r JOIN ledger_entry e ON e.source_type = 'receipt' AND e.source_id = r.id AND e.account = '1002'
UNION ALL
SELECT v.reversal_date, 'received', COALESCE(r.salesperson_id, 0), v.customer_id, COALESCE(e.region, ''), 0, v.amount
FROM receipt_reversal v JOIN receipt r ON r.id = v.receipt_id
     JOIN ledger_entry e ON e.source_type = 'receipt_reversal' AND e.source_id = v.id AND e.account = '1002'
"""


def backfill(connection) -> None:
    """Fill both summaries from the documents already posted (the daily one
    from the documents, the monthly one from the daily)."""
    dialect = connection.dialect.name
    connection.execute(sa.text(
        "INSERT INTO sales_fact_daily (day, measure, salesperson_id, customer_id, region, class_id, amount) "
        "SELECT day, measure, salesperson_id, customer_id, region, class_id, SUM(amount) "
        f"FROM ({FACTS.format(prorated=PRORATED[dialect])}) facts "
        "GROUP BY day, measure, salesperson_id, customer_id, region, class_id"))
    connection.execute(sa.text(
        "INSERT INTO sales_fact_monthly (month, measure, salesperson_id, region, class_id, amount) "
        f"SELECT {MONTH[dialect]}, measure, salesperson_id, region, class_id, SUM(amount) FROM sales_fact_daily "
        f"GROUP BY {MONTH[dialect]}, measure, salesperson_id, region, class_id"))


def upgrade():
    op.create_table(
        'sales_fact_daily',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('measure', sa.String(length=8), nullable=False),
        sa.Column('salesperson_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=False),
        sa.Column('class_id', sa.Integer(), nullable=False),
        sa.Column('amount', Money(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_fact_daily')),
        sa.UniqueConstraint('day', 'measure', 'salesperson_id', 'customer_id', 'region', 'class_id',
                            name='uq_sales_fact_daily_key'),
    )
    with op.batch_alter_table('sales_fact_daily') as batch_op:
        batch_op.create_index('ix_sales_fact_daily_customer_day', ['customer_id', 'day'], unique=False)
        batch_op.create_index('ix_sales_fact_daily_salesperson_day', ['salesperson_id', 'day'], unique=False)
        batch_op.create_index('ix_sales_fact_daily_region_day', ['region', 'day'], unique=False)
    op.create_table(
        'sales_fact_monthly',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('measure', sa.String(length=8), nullable=False),
        sa.Column('salesperson_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=False),
        sa.Column('class_id', sa.Integer(), nullable=False),
        sa.Column('amount', Money(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_fact_monthly')),
        sa.UniqueConstraint('month', 'measure', 'salesperson_id', 'region', 'class_id', name='uq_sales_fact_monthly_key'),
    )
    backfill(op.get_bind())


def downgrade():
    op.drop_table('sales_fact_monthly')
    with op.batch_alter_table('sales_fact_daily') as batch_op:
        batch_op.drop_index('ix_sales_fact_daily_region_day')
        batch_op.drop_index('ix_sales_fact_daily_salesperson_day')
        batch_op.drop_index('ix_sales_fact_daily_customer_day')
    op.drop_table('sales_fact_daily')
