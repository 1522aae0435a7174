"""kept forms: what someone typed into a form their ended session could not send, given back after signing in again

Revision ID: c7e2a9d4f016
Revises: f1c6e8b2d935
Create Date: 2026-12-05 19:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = 'c7e2a9d4f016'
down_revision = 'f1c6e8b2d935'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kept_form',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('path', sa.String(length=512), nullable=False),
        sa.Column('fields', sa.Text(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('kept_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_kept_form_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_form')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_kept_form_token_hash')),
    )
    with op.batch_alter_table('kept_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_form_kept_at'), ['kept_at'], unique=False)


def downgrade():
    with op.batch_alter_table('kept_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_form_kept_at'))
    op.drop_table('kept_form')
