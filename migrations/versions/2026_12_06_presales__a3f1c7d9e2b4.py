"""presales proposals (售前方案, F21): the project file, its approved versions, presales costs and knowledge-base entries; the project dimension on ledger entries

Revision ID: a3f1c7d9e2b4
Revises: 9a3c5e7f1b20
Create Date: 2026-12-06 18:40:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import Money, UTCDateTime


revision = 'a3f1c7d9e2b4'
down_revision = '9a3c5e7f1b20'
branch_labels = None
depends_on = None


def _posted(name, *columns):
    op.create_table(
        name, sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), sa.ForeignKey('presales_project.id'), nullable=False), *columns,
        sa.Column('created_at', UTCDateTime(), nullable=False), sa.PrimaryKeyConstraint('id'))
    op.create_index(f'ix_{name}_project_id', name, ['project_id'])


def upgrade():
    # a plain ADD COLUMN (no table rebuild): the ledger's immutability triggers stay in place
    op.add_column('ledger_entry', sa.Column('project_code', sa.String(length=32), nullable=True))
    op.create_index('ix_ledger_entry_project_code', 'ledger_entry', ['project_code'])
    op.create_table(
        'presales_project',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('customer', sa.String(length=255), nullable=False),
        sa.Column('customer_id', sa.Integer(), sa.ForeignKey('customer.id'), nullable=True),
        sa.Column('project', sa.String(length=255), nullable=False),
        sa.Column('bid_deadline', sa.Date(), nullable=False),
        sa.Column('scope', sa.Text(), nullable=False),
        sa.Column('estimated_value', Money(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('outcome_reason', sa.Text(), nullable=True),
        sa.Column('rep_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=True),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('source_key', sa.String(length=200), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('number'), sa.UniqueConstraint('source_key'))
    op.create_index('ix_presales_project_instance_id', 'presales_project', ['instance_id'])
    _posted('presales_version',
            sa.Column('kind', sa.String(length=16), nullable=False),
            sa.Column('version', sa.Integer(), nullable=False),
            sa.Column('content', sa.JSON(), nullable=False),
            sa.Column('approvals', sa.JSON(), nullable=False),
            sa.Column('source_key', sa.String(length=200), nullable=False, unique=True))
    _posted('presales_cost',
            sa.Column('seq', sa.Integer(), nullable=False),
            sa.Column('item', sa.String(length=255), nullable=False),
            sa.Column('amount', Money(), nullable=False),
            sa.Column('posting_date', sa.Date(), nullable=False),
            sa.Column('source_key', sa.String(length=200), nullable=False))
    op.create_index('ix_presales_cost_source_key', 'presales_cost', ['source_key'])
    _posted('presales_knowledge',
            sa.Column('seq', sa.Integer(), nullable=False),
            sa.Column('topic', sa.String(length=16), nullable=False),
            sa.Column('text', sa.Text(), nullable=False),
            sa.Column('source_key', sa.String(length=200), nullable=False))
    op.create_index('ix_presales_knowledge_source_key', 'presales_knowledge', ['source_key'])


def downgrade():
    op.drop_table('presales_knowledge')
    op.drop_table('presales_cost')
    op.drop_table('presales_version')
    op.drop_table('presales_project')
    op.drop_index('ix_ledger_entry_project_code', table_name='ledger_entry')
    # SQLite 3.35+ and PostgreSQL drop a column in place: the triggers stay
    op.execute('ALTER TABLE ledger_entry DROP COLUMN project_code')
