"""Every key a person reads has a label: the real flows are walked through
the service layer (the every-task walks: each diagram's paths, refusals
included), and every result and document they leave — what each task shows,
what each step submitted, every object in the instances' data — is turned
into what the pages render. A key the glossary (app/services/shown_labels.py)
and the forms leave untitled fails, named with where it was seen."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ProcessInstance
from app.services.task_view import describe, field_schema, forms_of, shown_for, step_data
from tests.web.browser_driving import VisitingDriver
from tests.web.test_browser_every_task import SCENARIOS

_RAW_KEY = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


class _Unchecked:
    """No pages here: only the payloads the walks leave."""

    def check(self, task):
        return None


@pytest.fixture
def walker(web, sales, frozen_clock, monkeypatch):
    """The every-task walks' driver over the service layer (no browser)."""
    from app.actions import run_action
    from app.models import Customer
    from app.services.accounts import find_user
    from app.services.attachments import save_bytes
    from tests.support.ledger_harness import new_call
    from tests.support.refusals import refuse_once

    driver = VisitingDriver(find_user, _Unchecked())
    driver.act = lambda operation, **params: run_action(new_call(operation), params)
    driver.refuse_once = lambda operation, code="period_closed", message="The period is being closed; try again later.": \
        refuse_once(monkeypatch, operation, code, message)
    driver.customer = lambda name: db.session.scalar(select(Customer.code).where(Customer.name == name))
    driver.attachment = lambda name, content=b"%PDF-1.4 scan": save_bytes(
        name, "image/jpeg" if name.endswith(".jpg") else "application/pdf", content)
    driver.clock = frozen_clock
    return driver


def unlabelled(node, where: str) -> list[str]:
    """Where a title in display tree ``node`` is a raw key (no label was found for it)."""
    found = []
    kind = node.get("kind") if isinstance(node, dict) else None
    if kind == "facts":
        for item in node["items"]:
            if _RAW_KEY.fullmatch(item["title"]):
                found.append(f"{where}: {item['title']}")
            found += unlabelled(item["node"], f"{where}.{item['key']}")
    elif kind == "table":
        for column in node["columns"]:
            found += [f"{where}[]: {part}" for part in column["title"].split() if _RAW_KEY.fullmatch(part)]
        if node["columns"] and node["columns"][0]["key"] == "":  # figures by row name: the names are titles too
            found += [f"{where}: {row[0]['text']}" for row in node["rows"] if _RAW_KEY.fullmatch(row[0].get("text", ""))]
        for row in node["rows"]:
            for cell in row:
                found += unlabelled(cell, f"{where}[]")
    elif kind == "list":
        for item in node["items"]:
            found += unlabelled(item, f"{where}[]")
    elif kind == "document":
        for part in ("facts", "lines", "totals"):
            if node.get(part):
                found += unlabelled(node[part], f"{where}.{part}")
    return found


def every_unlabelled_key() -> set[str]:
    found: list[str] = []
    for instance in db.session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)):
        name, data, schemas = instance.process_key, instance.data or {}, forms_of(instance)
        # what a form shows read-only (a ledger's answer to an earlier step) with the instance's value
        read_only = {key for schema in schemas for key, prop in (schema.get("properties") or {}).items()
                     if isinstance(prop, dict) and prop.get("readOnly")}
        for key in sorted(read_only & set(data)):
            if isinstance(data[key], (dict, list)):
                found += unlabelled(describe(key, data[key], field_schema(schemas, [key])), f"{name}.{key}")
        for task in instance.definition.user_tasks or []:
            for item in shown_for(instance, task["element_id"], data):
                found += unlabelled(item.node, f"{name}.{task['element_id']} shows {item.key}")
        tasks = {t["element_id"]: t for t in instance.definition.user_tasks or []}
        for event in db.session.scalars(select(AuditEvent).where(
                AuditEvent.chain == f"instance:{instance.id}", AuditEvent.kind == "task_completed")):
            form = (tasks.get(event.element_id) or {}).get("form")
            found += unlabelled(step_data(instance, form, event.data or {}), f"{name}.{event.element_id} submitted")
    return set(found)


def test_every_key_the_real_flows_show_has_a_label(walker):
    for scenario in SCENARIOS:
        scenario(walker)
    assert db.session.scalar(select(db.func.count()).select_from(ProcessInstance)) > 20
    missing = every_unlabelled_key()
    assert not missing, "keys shown without a label:\n" + "\n".join(sorted(missing))


def test_an_unlabelled_key_is_caught(ctx):
    node = describe("order_result", {"order_no": "SO1", "mystery_figure": "3", "lines": [{"material": "M", "odd_one": 1}]})
    assert sorted(unlabelled(node, "x")) == ["x.lines[]: odd_one", "x: mystery_figure"]
