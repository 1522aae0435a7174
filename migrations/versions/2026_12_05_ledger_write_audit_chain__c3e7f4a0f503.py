"""audit chains without a holder row (deploys, ledger writes from outside the
flows) keep their head in audit_chain_head, locked on append and compared by
the verifier; existing chains get their head back-filled from the log

Revision ID: c3e7f4a0f503
Revises: b2d6e3f9e402
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c3e7f4a0f503'
down_revision = 'b2d6e3f9e402'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("audit_chain_head",
    sa.Column("chain", sa.String(length=160), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("hash", sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_chain_head"))
    )
    op.execute("""
        INSERT INTO audit_chain_head (chain, seq, hash)
        SELECT e.chain, e.seq, e.hash FROM audit_event e
        WHERE e.chain NOT LIKE 'instance:%'
          AND e.seq = (SELECT max(l.seq) FROM audit_event l WHERE l.chain = e.chain)
    """)


def downgrade():
    op.drop_table("audit_chain_head")
