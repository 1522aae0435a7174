"""control reports: refused segregation-of-duties attempts and the history of role grants and revocations, backfilled from the roles held today

Revision ID: c7e2a94d5b10
Revises: 5c2e8a7f1d93
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = 'c7e2a94d5b10'
down_revision = '5c2e8a7f1d93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sod_refusal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('element_id', sa.String(length=255), nullable=True),
        sa.Column('actor', sa.String(length=64), nullable=False),
        sa.Column('on_behalf_of', sa.String(length=64), nullable=True),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                                name=op.f('fk_sod_refusal_instance_id_process_instance'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['task_id'], ['human_task.id'], name=op.f('fk_sod_refusal_task_id_human_task'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sod_refusal')),
    )
    with op.batch_alter_table('sod_refusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sod_refusal_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sod_refusal_instance_id'), ['instance_id'], unique=False)
    op.create_table(
        'role_grant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role_code', sa.String(length=64), nullable=False),
        sa.Column('change', sa.Enum('granted', 'revoked', name='rolechange', native_enum=False, length=16),
                  nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('by', sa.String(length=64), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_role_grant_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grant')),
    )
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.create_index('ix_role_grant_user_at', ['user_id', 'at'], unique=False)
    # The roles held today were granted, as far as anyone can tell, when
    # their holder's account was made.
    op.execute(
        "INSERT INTO role_grant (user_id, role_code, change, at, by, reason) "
        "SELECT u.id, r.code, 'granted', u.created_at, NULL, 'held when the grant history began' "
        "FROM user_role ur JOIN \"user\" u ON u.id = ur.user_id JOIN role r ON r.id = ur.role_id"
    )


def downgrade():
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.drop_index('ix_role_grant_user_at')
    op.drop_table('role_grant')
    with op.batch_alter_table('sod_refusal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sod_refusal_instance_id'))
        batch_op.drop_index(batch_op.f('ix_sod_refusal_at'))
    op.drop_table('sod_refusal')
