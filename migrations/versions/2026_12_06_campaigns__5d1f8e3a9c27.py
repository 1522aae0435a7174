"""campaigns (营销活动, F19): the marketing case, its target-group snapshots, the special list, tasks, dispatches, results and evaluation; an order's campaign code

Revision ID: 5d1f8e3a9c27
Revises: e5c2a7d41b93
Create Date: 2026-12-06 15:10:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import Money, UTCDateTime


revision = '5d1f8e3a9c27'
down_revision = 'e5c2a7d41b93'
branch_labels = None
depends_on = None


def _keyed(name, *columns):
    op.create_table(
        name, sa.Column('id', sa.Integer(), nullable=False), *columns,
        sa.Column('source_key', sa.String(length=200), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('source_key'))


def upgrade():
    with op.batch_alter_table('sales_order') as batch_op:
        batch_op.add_column(sa.Column('campaign_code', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_sales_order_campaign_code', ['campaign_code'])
    op.create_table(
        'campaign',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('theme', sa.String(length=16), nullable=False),
        sa.Column('objective', sa.Text(), nullable=False),
        sa.Column('offer', sa.Text(), nullable=False),
        sa.Column('eligibility', sa.Text(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('budget_total', Money(), nullable=False),
        sa.Column('budget_lines', sa.JSON(), nullable=False),
        sa.Column('price_sheet', sa.String(length=32), nullable=True),
        sa.Column('rules', sa.JSON(), nullable=False),
        sa.Column('dispatch_channels', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('design_brief', sa.Text(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=True),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('number'))
    op.create_index('ix_campaign_instance_id', 'campaign', ['instance_id'])
    _keyed('campaign_special_list',
           sa.Column('customer_id', sa.Integer(), sa.ForeignKey('customer.id'), nullable=False),
           sa.Column('listed', sa.Boolean(), nullable=False),
           sa.Column('reason', sa.String(length=255), nullable=False),
           sa.Column('entered_by_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=True))
    op.create_index('ix_campaign_special_list_customer_id', 'campaign_special_list', ['customer_id'])
    _keyed('campaign_target',
           sa.Column('campaign_id', sa.Integer(), sa.ForeignKey('campaign.id'), nullable=False),
           sa.Column('snapshot_no', sa.Integer(), nullable=False),
           sa.Column('customer_id', sa.Integer(), sa.ForeignKey('customer.id'), nullable=False),
           sa.Column('region', sa.String(length=64), nullable=False),
           sa.Column('salesperson_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=True))
    op.create_index('ix_campaign_target_campaign_id', 'campaign_target', ['campaign_id'])
    _keyed('campaign_task',
           sa.Column('campaign_id', sa.Integer(), sa.ForeignKey('campaign.id'), nullable=False),
           sa.Column('number', sa.String(length=40), nullable=False, unique=True),
           sa.Column('snapshot_no', sa.Integer(), nullable=False),
           sa.Column('channel', sa.String(length=8), nullable=False),
           sa.Column('region', sa.String(length=64), nullable=False),
           sa.Column('assignee_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=True),
           sa.Column('customer_ids', sa.JSON(), nullable=False))
    op.create_index('ix_campaign_task_campaign_id', 'campaign_task', ['campaign_id'])
    op.create_index('ix_campaign_task_assignee_id', 'campaign_task', ['assignee_id'])
    _keyed('campaign_dispatch',
           sa.Column('task_id', sa.Integer(), sa.ForeignKey('campaign_task.id'), nullable=False),
           sa.Column('customer_id', sa.Integer(), sa.ForeignKey('customer.id'), nullable=False),
           sa.Column('channel', sa.String(length=8), nullable=False))
    op.create_index('ix_campaign_dispatch_task_id', 'campaign_dispatch', ['task_id'])
    op.create_index('ix_campaign_dispatch_customer_id', 'campaign_dispatch', ['customer_id'])
    _keyed('campaign_result',
           sa.Column('task_id', sa.Integer(), sa.ForeignKey('campaign_task.id'), nullable=False),
           sa.Column('contacts', sa.Integer(), nullable=False),
           sa.Column('responses', sa.Integer(), nullable=False),
           sa.Column('leads', sa.Integer(), nullable=False),
           sa.Column('order_numbers', sa.JSON(), nullable=False),
           sa.Column('spend', Money(), nullable=False),
           sa.Column('note', sa.Text(), nullable=False),
           sa.Column('reported_by_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=True))
    op.create_index('ix_campaign_result_task_id', 'campaign_result', ['task_id'])
    _keyed('campaign_evaluation',
           sa.Column('campaign_id', sa.Integer(), sa.ForeignKey('campaign.id'), nullable=False),
           sa.Column('orders', sa.Integer(), nullable=False),
           sa.Column('revenue', Money(), nullable=False),
           sa.Column('spend', Money(), nullable=False),
           sa.Column('budget', Money(), nullable=False),
           sa.Column('contacts', sa.Integer(), nullable=False),
           sa.Column('responses', sa.Integer(), nullable=False),
           sa.Column('leads', sa.Integer(), nullable=False),
           sa.Column('conclusion', sa.Text(), nullable=False),
           sa.Column('evaluated_by_id', sa.Integer(), sa.ForeignKey('user.id'), nullable=True))
    op.create_index('ix_campaign_evaluation_campaign_id', 'campaign_evaluation', ['campaign_id'])


def downgrade():
    for name in ('campaign_evaluation', 'campaign_result', 'campaign_dispatch', 'campaign_task', 'campaign_target',
                 'campaign_special_list', 'campaign'):
        op.drop_table(name)
    with op.batch_alter_table('sales_order') as batch_op:
        batch_op.drop_index('ix_sales_order_campaign_code')
        batch_op.drop_column('campaign_code')
