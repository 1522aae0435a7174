"""Lint of what an approver sees (``shows``): an approval that declares
nothing, or shows a key nothing writes, or names an unknown kind of
document, is refused at deploy; the real diagrams pass and compile the
declaration into their task descriptions."""
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ProcessDefinition
from app.services.deployment import DeploymentRejected, deploy, files_from_paths
from app.services.ledger_queries import DOCUMENT_KINDS
from app.workflow.lint_shows import DOCUMENT_NUMBER_FIELDS, parse_shows

ROOT = Path(__file__).parents[2]
TRAVEL = (ROOT / "processes" / "travel_request.bpmn").read_text(encoding="utf-8")
SHOWS = ('<spiffworkflow:property name="shows" value="purpose,reason,destination,start_date,end_date,transport,'
         'estimated_cost,companions" />')


def _deploy_travel(text: str):
    files = files_from_paths([ROOT / "forms"])
    files["travel_request.bpmn"] = text.encode()
    return deploy(files)


def _definition(deployed):
    return db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == deployed.key,
                                                             ProcessDefinition.version == deployed.version))


def _problems(text: str) -> list[str]:
    with pytest.raises(DeploymentRejected) as caught:
        _deploy_travel(text)
    return [f"{p.element_id}: {p.message}" for p in caught.value.problems]


def test_the_travel_request_declares_what_its_approvers_see():
    assert TRAVEL.count(SHOWS) == 3


def test_an_approval_that_shows_nothing_is_refused(ctx):
    without = TRAVEL.replace(SHOWS, "", 1)
    problems = _problems(without)
    assert len(problems) == 1 and problems[0].startswith("Task_ManagerApproval: An approval task must declare what")


def test_an_empty_declaration_is_no_declaration(ctx):
    problems = _problems(TRAVEL.replace(SHOWS, '<spiffworkflow:property name="shows" value=" " />', 1))
    assert [p.split(":")[0] for p in problems] == ["Task_ManagerApproval"]


def test_a_key_that_nothing_writes_is_refused(ctx):
    forged = SHOWS.replace("purpose,", "purpose,approved_amount,")
    problems = _problems(TRAVEL.replace(SHOWS, forged, 1))
    assert problems == ["Task_ManagerApproval: Shows 'approved_amount', but no form, service task or script of this "
                        "process writes 'approved_amount'."]


def test_an_unknown_document_kind_and_a_bad_item_are_refused(ctx):
    bad = SHOWS.replace("purpose,", "purpose:purchase_order,end date,")
    problems = _problems(TRAVEL.replace(SHOWS, bad, 1))
    assert len(problems) == 2
    assert "'purpose:purchase_order' names no ledger document kind" in problems[0]
    assert "'end date' is not a key" in problems[1]


def test_the_declaration_compiles_into_the_task_description(ctx):
    [deployed] = _deploy_travel(TRAVEL)
    tasks = {t["element_id"]: t for t in _definition(deployed).user_tasks}
    assert tasks["Task_ManagerApproval"]["shows"][0] == {"key": "purpose", "path": ["purpose"], "kind": None}
    assert tasks["Task_ReviseRequest"]["shows"] == []


def test_parse_keeps_paths_and_kinds():
    items, problems = parse_shows(" return_result.return_order_no:sales_order , lines ")
    assert problems == [] and [(i.path, i.kind, i.key) for i in items] == [
        (("return_result", "return_order_no"), "sales_order", "return_result.return_order_no"), (("lines",), None, "lines")]


def test_every_kind_a_diagram_may_name_is_a_ledger_document():
    assert set(DOCUMENT_NUMBER_FIELDS) <= set(DOCUMENT_KINDS)


def test_every_real_diagram_passes_and_every_approval_shows_something(deployed):
    approvals = [(d.key, t["element_id"], t["shows"]) for d in deployed for t in _definition(d).user_tasks if t["approval"]]
    assert len(approvals) > 30
    assert all(shows for _, _, shows in approvals), [a for a in approvals if not a[2]]
