"""F21 presales proposal with the real diagram: the opportunity's project
file, the research plan approved (and changed), the research report
archived, the proposal through implementation and the four reviews (each
rejection back to the writing), the demo through the same chain (a team
change loops back), the bid's outcome: a win handed over to the rep for
the contract, a loss archived; presales costs booked as selling expenses
with the project dimension, the knowledge base added to."""
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.presales import project_costs
from app.models import (HumanTask, InstanceStatus, LedgerEntry, Notification, PresalesCost, PresalesKnowledge, PresalesProject,
                        PresalesVersion)
from tests.support.ledger_harness import all_invariants_hold
from tests.support.presales import (DEMO, DEMO_CHAIN, LARGE, PLAN, PROPOSAL, PROPOSAL_CHAIN, REP, RESEARCH, approver_of,
                                    finish, opportunity, researched, through_chain, to_bid)


def _versions(kind):
    return list(db.session.scalars(select(PresalesVersion).where(PresalesVersion.kind == kind)
                                   .order_by(PresalesVersion.version)))


def test_a_won_bid_runs_from_the_opportunity_to_the_hand_over(sales):
    instance = sales.start("presales_proposal", opportunity(), REP)
    file = instance.data["opportunity"]
    assert file["opportunity_no"].startswith("PS202612-") and file["salesperson"] == REP
    assert instance.data["gm_review"] is False
    assert sales.task(instance, "Task_ResearchPlan").candidate_role == "presales_consultant"
    to_bid(sales, instance)
    gm_steps = select(func.count()).select_from(HumanTask).where(HumanTask.element_id.like("Task_%GMApproval"))
    assert db.session.scalar(gm_steps) == 0  # within the director's authority
    proposal = _versions("proposal")[0]
    assert [a["step"] for a in proposal.approvals] == PROPOSAL_CHAIN[:4]
    assert [a["approver"] for a in proposal.approvals] == ["implementer", "project_mgr", "consulting_mgr", "director"]
    assert _versions("research_plan")[0].approvals == [{"step": "Task_PlanApproval", "approver": "project_mgr"}]
    assert _versions("research_report")[0].content["unit_reports"][0]["unit"] == "生产部"
    assert [a["approver"] for a in _versions("demo")[0].approvals] == [
        "implementer", "project_mgr", "consulting_mgr", "director"]
    finish(sales, instance, "won", [("差旅费", 3200), ("演示环境", 1800.5)])
    assert instance.status is InstanceStatus.completed, sales.ready_elements(instance)
    project = db.session.scalar(select(PresalesProject))
    assert project.status == "won" and instance.data["handover"]["notified"] == [REP]
    notice = db.session.scalar(select(Notification).where(Notification.kind == "presales_won"))
    assert notice.user.username == REP and project.customer in notice.body and project.project in notice.body
    # presales costs: selling expenses carrying the project, owed to the rep
    assert project_costs(project.number) == Decimal("5000.50")
    lines = list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.project_code == project.number)))
    assert {(e.account, e.debit, e.credit) for e in lines} == {("6601", Decimal("5000.50"), 0), ("2241", 0, Decimal("5000.50"))}
    assert all(e.salesperson_id == project.rep_id for e in lines)
    assert db.session.scalar(select(func.count()).select_from(PresalesCost)) == 2
    topics = sorted(db.session.scalars(select(PresalesKnowledge.topic)))
    assert topics == ["bid_rules", "competitors", "industry", "software"]
    assert all_invariants_hold()


def test_a_lost_bid_is_archived_and_tells_nobody(sales):
    instance = sales.start("presales_proposal", opportunity(), REP)
    to_bid(sales, instance)
    finish(sales, instance, "lost")
    assert instance.status is InstanceStatus.completed
    assert db.session.scalar(select(PresalesProject.status)) == "lost"
    assert "handover" not in instance.data
    assert db.session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "presales_won")) == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.project_code.is_not(None))) == 0


def test_a_plan_change_from_the_research_goes_back_to_the_plan_and_its_approval(sales):
    instance = sales.start("presales_proposal", opportunity(), REP)
    sales.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    sales.reject(instance, "Task_PlanApproval", "project_mgr", "行程太紧")
    assert sales.ready_elements(instance) == ["Task_ResearchPlan"]
    sales.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    sales.approve(instance, "Task_PlanApproval", "project_mgr")
    sales.complete(instance, "Task_Research", "presales", {**RESEARCH, "plan_change": True, "change_reason": "增加仓库调研"})
    assert sales.ready_elements(instance) == ["Task_ResearchPlan"]
    sales.complete(instance, "Task_ResearchPlan", "presales", {**PLAN, "units": "生产部、财务部、销售部、仓库"})
    sales.approve(instance, "Task_PlanApproval", "project_mgr")
    sales.complete(instance, "Task_Research", "presales", RESEARCH)  # the flag of the last round is not carried
    sales.reject(instance, "Task_ReportApproval", "consulting_mgr", "缺少仓库调研")
    assert sales.ready_elements(instance) == ["Task_Research"]
    sales.complete(instance, "Task_Research", "presales", RESEARCH)
    sales.approve(instance, "Task_ReportApproval", "consulting_mgr")
    assert sales.ready_elements(instance) == ["Task_WriteProposal"]
    plans = _versions("research_plan")
    assert [p.version for p in plans] == [1, 2] and plans[1].content["units"].endswith("仓库")
    assert len(_versions("research_report")) == 1


def test_each_reviewer_rejects_the_proposal_back_to_the_writing(sales):
    instance = sales.start("presales_proposal", opportunity(LARGE), REP)
    assert instance.data["gm_review"] is True
    researched(sales, instance)
    for rejecting in PROPOSAL_CHAIN:
        sales.complete(instance, "Task_WriteProposal", "presales", PROPOSAL)
        through_chain(sales, instance, PROPOSAL_CHAIN[:PROPOSAL_CHAIN.index(rejecting)])
        sales.reject(instance, rejecting, approver_of(rejecting), f"{rejecting}：请修改")
        assert sales.ready_elements(instance) == ["Task_WriteProposal"], rejecting
        assert instance.data["comment"] == f"{rejecting}：请修改"
    assert _versions("proposal") == []
    sales.complete(instance, "Task_WriteProposal", "presales", {**PROPOSAL, "proposal_text": "第六稿"})
    through_chain(sales, instance, PROPOSAL_CHAIN)
    [proposal] = _versions("proposal")
    assert proposal.content["proposal_text"] == "第六稿" and proposal.approvals[-1] == {
        "step": "Task_ProposalGMApproval", "approver": "gm"}
    assert sales.ready_elements(instance) == ["Task_PrepareDemo"]


def test_each_reviewer_rejects_the_demo_and_a_team_change_prepares_it_again(sales):
    instance = sales.start("presales_proposal", opportunity(LARGE), REP)
    researched(sales, instance)
    sales.complete(instance, "Task_WriteProposal", "presales", PROPOSAL)
    through_chain(sales, instance, PROPOSAL_CHAIN)
    for rejecting in DEMO_CHAIN:
        sales.complete(instance, "Task_PrepareDemo", "presales", DEMO)
        through_chain(sales, instance, DEMO_CHAIN[:DEMO_CHAIN.index(rejecting)])
        sales.reject(instance, rejecting, approver_of(rejecting), "演示数据不全")
        assert sales.ready_elements(instance) == ["Task_PrepareDemo"], rejecting
    sales.complete(instance, "Task_PrepareDemo", "presales", DEMO)
    through_chain(sales, instance, DEMO_CHAIN)
    sales.complete(instance, "Task_HoldDemo", "presales", {"demo_report": "客户要求换人讲解", "team_change": True,
                                                           "team_change_reason": "客户希望实施顾问主讲"})
    assert sales.ready_elements(instance) == ["Task_PrepareDemo"]
    sales.complete(instance, "Task_PrepareDemo", "presales", {**DEMO, "demo_team": "陆主讲"})
    through_chain(sales, instance, DEMO_CHAIN)
    sales.complete(instance, "Task_HoldDemo", "presales", {"demo_report": "演示顺利"})
    assert sales.ready_elements(instance) == ["Task_PrepareBid"]
    demos = _versions("demo")
    assert [d.content["demo_team"] for d in demos] == ["苏、陆", "陆主讲"]
    finish(sales, instance, "won")
    assert instance.status is InstanceStatus.completed
