"""process definitions: the English name of the process and of each user task

A diagram gives an element its English name in a ``nameEn`` Spiff property;
deployment records the process's in process_definition.name_en and each
user task's as ``name_en`` in user_tasks. Versions deployed before are
backfilled from the exact BPMN text they were deployed with.

Revision ID: 7e2b4c9d1a63
Revises: c4e9a1d7b352
Create Date: 2026-12-06 06:00:00

"""
import json

from alembic import op
import sqlalchemy as sa
from lxml import etree


revision = '7e2b4c9d1a63'
down_revision = 'c4e9a1d7b352'
branch_labels = None
depends_on = None

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NS = {"bpmn": _BPMN, "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
_NAME_EN = "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property[@name='nameEn']/@value"


def _english(element) -> str | None:
    found = element.xpath(_NAME_EN, namespaces=_NS)
    return " ".join(found[0].split()) or None if found else None


def _backfill(connection) -> None:
    table = sa.table("process_definition", sa.column("id"), sa.column("key"), sa.column("bpmn_file"),
                     sa.column("files", sa.JSON), sa.column("user_tasks", sa.JSON), sa.column("name_en"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    for row in connection.execute(sa.select(table.c.id, table.c.key, table.c.bpmn_file, table.c.files,
                                            table.c.user_tasks)).all():
        files = row.files if isinstance(row.files, dict) else json.loads(row.files or "{}")
        text = files.get(row.bpmn_file)
        if not text:
            continue
        try:
            root = etree.fromstring(text.encode("utf-8"), parser)
        except etree.XMLSyntaxError:
            continue
        process = root.xpath("./bpmn:process[@id=$key]", key=row.key, namespaces=_NS)
        if not process:
            continue
        by_id = {element.get("id"): _english(element) for element in process[0].iter(f"{{{_BPMN}}}*") if element.get("id")}
        tasks = row.user_tasks if isinstance(row.user_tasks, list) else json.loads(row.user_tasks or "[]")
        tasks = [{**task, "name_en": by_id.get(task.get("element_id"))} for task in tasks]
        connection.execute(table.update().where(table.c.id == row.id)
                           .values(name_en=_english(process[0]), user_tasks=tasks))


def upgrade():
    with op.batch_alter_table('process_definition') as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=255), nullable=True))
    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table('process_definition') as batch_op:
        batch_op.drop_column('name_en')
