"""assessment schemes: the versioned sales assessment scheme (销售考核方案) the collection assessment charges by, and the scheme version each charge was computed with

Revision ID: 3b7e9d1a4c62
Revises: 9e5a1c3f7d42
Create Date: 2026-12-05 20:30:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import ScaledDecimal, UTCDateTime


revision = '3b7e9d1a4c62'
down_revision = '9e5a1c3f7d42'
branch_labels = None
depends_on = None

# Scheme versions are never changed (like posted rows); on SQLite the batch
# rebuild of collection_assessment drops its triggers, so they are made again.
IMMUTABLE_TABLES = ("assessment_scheme", "collection_assessment")


def _triggers(tables):
    bind = op.get_bind()
    for table in tables:
        if bind.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_immutable ON {table}")
            op.execute(f"CREATE TRIGGER trg_{table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION lanes_refuse_posted_change()")
        elif bind.dialect.name == "sqlite":
            for event in ("UPDATE", "DELETE"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_{event.lower()}")
                op.execute(f"CREATE TRIGGER trg_{table}_no_{event.lower()} BEFORE {event} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, 'posted rows of {table} are immutable; post a reversal'); END")


def upgrade():
    op.create_table(
        'assessment_scheme',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('base_price_list_id', sa.Integer(), nullable=False),
        sa.Column('charge_pct', ScaledDecimal(scale=2), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=False),
        sa.Column('approved_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_assessment_scheme_approved_by_id_user')),
        sa.ForeignKeyConstraint(['base_price_list_id'], ['price_list.id'],
                                name=op.f('fk_assessment_scheme_base_price_list_id_price_list')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_scheme')),
        sa.UniqueConstraint('code', 'version', name=op.f('uq_assessment_scheme_code_version')),
    )
    with op.batch_alter_table('assessment_scheme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_scheme_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_scheme_valid_from'), ['valid_from'], unique=False)
    with op.batch_alter_table('collection_assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheme_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_collection_assessment_scheme_id_assessment_scheme'),
                                    'assessment_scheme', ['scheme_id'], ['id'])
    _triggers(IMMUTABLE_TABLES)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_assessment_scheme_immutable ON assessment_scheme")
    with op.batch_alter_table('collection_assessment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_collection_assessment_scheme_id_assessment_scheme'), type_='foreignkey')
        batch_op.drop_column('scheme_id')
    _triggers(("collection_assessment",))
    with op.batch_alter_table('assessment_scheme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_scheme_valid_from'))
        batch_op.drop_index(batch_op.f('ix_assessment_scheme_code'))
    op.drop_table('assessment_scheme')
