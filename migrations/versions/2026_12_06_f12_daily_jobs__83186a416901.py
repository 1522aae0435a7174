"""daily jobs: the last business day a once-a-day worker job ran (the overdue receivables notice to salespeople and their managers)

Revision ID: 83186a416901
Revises: 8a4eb2eab722
Create Date: 2026-12-06 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '83186a416901'
down_revision = '8a4eb2eab722'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "daily_job",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("last_run_on", sa.Date(), nullable=True),
    )


def downgrade():
    op.drop_table("daily_job")
