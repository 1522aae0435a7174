"""F21 presales proposal's controls, attacked with the real diagram: forged
fields at the start, at an approval and at the outcome; the rep who also
holds a reviewing role cannot approve their own request, nor the consultant
who wrote the proposal; roles the diagram does not name cannot start it;
a request's ledger steps reach only its own project file; the ledger's
refusals go back to the person who can correct them."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actions import BusinessRuleViolation, run_action
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.ledger.presales import project_costs
from app.models import InstanceStatus, LedgerEntry, PresalesProject, PresalesVersion, User
from app.services.access_history import set_roles
from tests.support.ledger_harness import all_invariants_hold, new_call
from tests.support.presales import (PLAN, PROPOSAL, PROPOSAL_CHAIN, REP, finish, opportunity, researched,
                                    through_chain, to_bid)


def _user(username):
    return db.session.scalar(select(User).where(User.username == username))


def test_forged_fields_are_refused_and_the_approvers_come_from_the_task_records(sales):
    with pytest.raises(ValidationFailed):
        sales.start("presales_proposal", {**opportunity(), "opportunity_no": "PS202612-0099"}, REP)
    with pytest.raises(ValidationFailed):
        sales.start("presales_proposal", {**opportunity(), "gm_review": False}, REP)
    instance = sales.start("presales_proposal", opportunity(), REP)
    sales.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    with pytest.raises(ValidationFailed):  # nobody names the approver of record
        sales.complete(instance, "Task_PlanApproval", "project_mgr", {"decision": "approve", "approved_by": "gm"})
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_PlanApproval", "project_mgr", {"decision": "approve", "approvals": []})
    sales.approve(instance, "Task_PlanApproval", "project_mgr")
    [plan] = db.session.scalars(select(PresalesVersion))
    assert plan.approvals == [{"step": "Task_PlanApproval", "approver": "project_mgr"}]


def test_the_outcome_cannot_forge_a_status_or_a_negative_cost(sales):
    instance = sales.start("presales_proposal", opportunity(), REP)
    to_bid(sales, instance)
    sales.complete(instance, "Task_PrepareBid", REP, {"bid_team": "甲", "rehearsal": "乙", "rules_contingencies": "丙"})
    for forged in ({"outcome": "won", "project_result": {"ok": True, "status": "won"}},
                   {"outcome": "won", "costs": [{"item": "返还", "amount": -5000}]},
                   {"outcome": "archived"}):
        with pytest.raises(ValidationFailed):
            sales.complete(instance, "Task_BidOutcome", REP, forged)


def test_the_rep_and_the_writer_cannot_approve_what_they_asked_for_or_wrote(sales):
    set_roles(_user(REP), ["sales_rep", "project_manager"], by="process_admin", reason="acting project manager")
    set_roles(_user("presales"), ["presales_consultant", "consulting_manager"], by="process_admin", reason="acting")
    instance = sales.start("presales_proposal", opportunity(), REP)
    sales.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    with pytest.raises(Forbidden):  # the requester
        sales.approve(instance, "Task_PlanApproval", REP)
    sales.approve(instance, "Task_PlanApproval", "project_mgr")
    researched_report = {"unit_reports": [{"unit": "生产部", "questionnaire": "问卷", "daily_report": "日报"}],
                         "research_report": "报告"}
    sales.complete(instance, "Task_Research", "presales", researched_report)
    with pytest.raises(Forbidden):  # the maker of the report
        sales.approve(instance, "Task_ReportApproval", "presales")
    sales.approve(instance, "Task_ReportApproval", "consulting_mgr")
    sales.complete(instance, "Task_WriteProposal", "presales", PROPOSAL)
    sales.approve(instance, "Task_ProposalFeasibility", "implementer")
    with pytest.raises(Forbidden):  # the rep approving their own proposal
        sales.approve(instance, "Task_ProposalPMApproval", REP)
    sales.approve(instance, "Task_ProposalPMApproval", "project_mgr")
    with pytest.raises(Forbidden):  # the consultant who wrote it
        sales.approve(instance, "Task_ProposalCMApproval", "presales")
    with pytest.raises(Forbidden):  # one person, two reviews of the same proposal
        set_roles(_user("project_mgr"), ["project_manager", "consulting_manager"], by="process_admin", reason="x")
        sales.approve(instance, "Task_ProposalCMApproval", "project_mgr")


@pytest.mark.parametrize("username", ["presales", "marketing", "project_mgr", "director", "auditor"])
def test_roles_the_diagram_does_not_name_cannot_start_it(sales, username):
    with pytest.raises(Forbidden):
        sales.start("presales_proposal", opportunity(), username)


def test_a_regional_manager_may_start_it(sales):
    instance = sales.start("presales_proposal", opportunity(), "rm_east")
    assert instance.data["opportunity"]["salesperson"] == "rm_east"


def test_a_request_reaches_only_its_own_project_file(sales):
    first = sales.start("presales_proposal", opportunity(), REP)
    second = sales.start("presales_proposal", opportunity(project="浙江泵阀MES"), "rep_east2")
    numbers = {first.data["opportunity"]["opportunity_no"], second.data["opportunity"]["opportunity_no"]}
    assert len(numbers) == 2
    researched(sales, first)
    # a ledger step of the second request records nothing on the first one's file, whatever the data says
    with pytest.raises(BusinessRuleViolation) as refused:
        run_action(new_call("ledger.record_research_plan", instance_id=second.id), dict(PLAN))
    assert refused.value.code == "not_approved"
    for operation in ("ledger.record_proposal", "ledger.close_presales_project", "ledger.hand_over_presales_win"):
        with pytest.raises(BusinessRuleViolation) as refused:
            params = {"ledger.record_proposal": PROPOSAL, "ledger.close_presales_project": {"outcome": "won"}}
            run_action(new_call(operation, instance_id=999999), dict(params.get(operation, {})))
        assert refused.value.code == "no_presales_project", operation
    second_file = db.session.scalar(select(PresalesProject).where(PresalesProject.instance_id == second.id))
    assert db.session.scalar(select(func.count()).select_from(PresalesVersion)
                             .where(PresalesVersion.project_id == second_file.id)) == 0


def test_a_refused_opportunity_goes_back_to_the_rep(sales):
    instance = sales.start("presales_proposal", opportunity(bid_deadline="2026-11-01"), REP)
    assert instance.data["opportunity"]["error"]["code"] == "invalid_deadline"
    assert sales.ready_elements(instance) == ["Task_ReviseOpportunity"]
    assert db.session.scalar(select(func.count()).select_from(PresalesProject)) == 0
    sales.complete(instance, "Task_ReviseOpportunity", REP, opportunity(estimated_value=0))
    assert instance.data["opportunity"]["error"]["code"] == "invalid_amount"
    sales.complete(instance, "Task_ReviseOpportunity", REP, opportunity())
    assert sales.ready_elements(instance) == ["Task_ResearchPlan"]


def test_a_refused_closing_goes_back_to_the_outcome_and_books_once(sales, refuse_once):
    instance = sales.start("presales_proposal", opportunity(), REP)
    to_bid(sales, instance)
    refuse_once("ledger.close_presales_project")
    finish(sales, instance, "won", [("差旅费", 800)])
    assert sales.ready_elements(instance) == ["Task_BidOutcome"]
    assert db.session.scalar(select(PresalesProject.status)) == "in_progress"
    sales.complete(instance, "Task_BidOutcome", REP, {"outcome": "won", "costs": [{"item": "差旅费", "amount": 800}]})
    sales.complete(instance, "Task_UpdateKnowledge", "presales", {"industry": "泵阀"})
    assert instance.status is InstanceStatus.completed
    number = db.session.scalar(select(PresalesProject.number))
    assert project_costs(number) == Decimal("800.00")
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.project_code == number)) == 2
    assert all_invariants_hold()


def test_the_group_leader_reviews_above_the_tables_figure(sales):
    for value, reviews in ((500000, False), (500000.01, True)):
        instance = sales.start("presales_proposal", opportunity(value), REP)
        assert instance.data["gm_review"] is reviews
    researched(sales, instance)
    sales.complete(instance, "Task_WriteProposal", "presales", PROPOSAL)
    through_chain(sales, instance, PROPOSAL_CHAIN[:4])
    assert sales.task(instance, "Task_ProposalGMApproval").candidate_role == "general_manager"
