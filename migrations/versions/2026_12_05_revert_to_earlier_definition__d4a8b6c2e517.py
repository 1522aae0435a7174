"""process definitions and deployed files: a revert repeats an earlier content

Deploying an earlier version's files again (a revert) makes a new version
with the old content, so (key, content_hash) is no longer unique (versions
stay unique per key), and a table or form reverted to an earlier content is
recorded again as its name's latest, so (name, content_hash) is not either.

Revision ID: d4a8b6c2e517
Revises: 1e98f979f42c
Create Date: 2026-12-05 17:00:00

"""
from alembic import op


revision = 'd4a8b6c2e517'
down_revision = '1e98f979f42c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_definition') as batch_op:
        batch_op.drop_constraint('uq_process_definition_key_content_hash', type_='unique')
    with op.batch_alter_table('deployed_file') as batch_op:
        batch_op.drop_constraint('uq_deployed_file_name_content_hash', type_='unique')


def downgrade():
    # Fails while two versions of a key (or two rows of a file) share their
    # content: remove the reverted ones first.
    with op.batch_alter_table('deployed_file') as batch_op:
        batch_op.create_unique_constraint('uq_deployed_file_name_content_hash', ['name', 'content_hash'])
    with op.batch_alter_table('process_definition') as batch_op:
        batch_op.create_unique_constraint('uq_process_definition_key_content_hash', ['key', 'content_hash'])
