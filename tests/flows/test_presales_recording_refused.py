"""F21: when the ledger refuses to record an approved version (the research
plan, the research report, the proposal, the demo plan), the flow does not
carry on as if it were recorded: the writing goes back to the consultant
with the ledger's reason, nothing is recorded, and once written and
approved again the version is recorded and the flow goes on."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import PresalesVersion
from app.services.task_view import shown_items
from tests.support.presales import (DEMO, DEMO_CHAIN, PLAN, PROPOSAL, PROPOSAL_CHAIN, REP, RESEARCH, opportunity,
                                    through_chain)
from tests.support.refusals import refuse_once

WHY = "项目档案正在盘点，请稍后重试。"


def _kinds():
    return [(v.kind, v.version) for v in db.session.scalars(select(PresalesVersion).order_by(PresalesVersion.id))]


def _plan(sales, instance):
    sales.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    sales.approve(instance, "Task_PlanApproval", "project_mgr")


def _report(sales, instance):
    sales.complete(instance, "Task_Research", "presales", RESEARCH)
    sales.approve(instance, "Task_ReportApproval", "consulting_mgr")


def _proposal(sales, instance):
    sales.complete(instance, "Task_WriteProposal", "presales", PROPOSAL)
    through_chain(sales, instance, PROPOSAL_CHAIN)


def _demo(sales, instance):
    sales.complete(instance, "Task_PrepareDemo", "presales", DEMO)
    through_chain(sales, instance, DEMO_CHAIN)


STAGES = [  # (operation, result, writer, the steps before it, the step that writes and approves it, what follows)
    ("ledger.record_research_plan", "plan_version", "Task_ResearchPlan", [], _plan, "Task_Research"),
    ("ledger.record_research_report", "report_version", "Task_Research", [_plan], _report, "Task_WriteProposal"),
    ("ledger.record_proposal", "proposal_version", "Task_WriteProposal", [_plan, _report], _proposal, "Task_PrepareDemo"),
    ("ledger.record_demo", "demo_version", "Task_PrepareDemo", [_plan, _report, _proposal], _demo, "Task_HoldDemo"),
]


@pytest.mark.parametrize("operation, result, writer, before, stage, after", STAGES, ids=[s[1] for s in STAGES])
def test_a_refused_recording_goes_back_to_the_writer_with_the_reason(sales, monkeypatch, operation, result, writer,
                                                                     before, stage, after):
    instance = sales.start("presales_proposal", opportunity(), REP)
    for step in before:
        step(sales, instance)
    recorded_before = _kinds()
    calls = refuse_once(monkeypatch, operation, "project_locked", WHY)
    stage(sales, instance)
    assert sales.ready_elements(instance) == [writer]
    assert instance.data[result]["ok"] is False and instance.data[result]["error"]["message"] == WHY
    assert _kinds() == recorded_before  # nothing recorded
    assert WHY in repr(shown_items(sales.task(instance, writer)))  # the writer's page shows why
    stage(sales, instance)
    assert len(calls) == 2 and instance.data[result]["ok"] is True
    assert sales.ready_elements(instance) == [after]
    assert _kinds()[-1] == (instance.data[result]["kind"], 1)
