"""The every-task walk of F21 presales_proposal: a refused opportunity
corrected, a rejected research plan, a plan change, the proposal and the
demo each rejected once and through their five reviews (a bid large enough
for the group leader), a demo team change, and a won bid."""
from tests.support.presales import (BID, DEMO, DEMO_CHAIN, DEALER, KNOWLEDGE, LARGE, PLAN, PROPOSAL, PROPOSAL_CHAIN,
                                    REP, RESEARCH, approver_of)


def presales_proposal(w):
    opportunity = {"customer": w.customer(DEALER), "project": "浙江泵阀ERP一期", "bid_deadline": "2026-11-01",
                   "scope": "生产、财务、销售三模块", "estimated_value": LARGE}
    instance = w.start("presales_proposal", opportunity, REP)  # a deadline in the past → Task_ReviseOpportunity
    w.complete(instance, "Task_ReviseOpportunity", REP, {**opportunity, "bid_deadline": "2026-12-20"})
    w.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    w.reject(instance, "Task_PlanApproval", "project_mgr", "行程太紧")
    w.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    w.approve(instance, "Task_PlanApproval", "project_mgr")
    w.complete(instance, "Task_Research", "presales", {**RESEARCH, "plan_change": True, "change_reason": "增加仓库"})
    w.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    w.approve(instance, "Task_PlanApproval", "project_mgr")
    w.complete(instance, "Task_Research", "presales", RESEARCH)
    w.approve(instance, "Task_ReportApproval", "consulting_mgr")
    for write, form, chain in (("Task_WriteProposal", PROPOSAL, PROPOSAL_CHAIN), ("Task_PrepareDemo", DEMO, DEMO_CHAIN)):
        w.complete(instance, write, "presales", form)
        w.reject(instance, chain[0], approver_of(chain[0]), "请补充")
        w.complete(instance, write, "presales", form)
        for element_id in chain:
            w.approve(instance, element_id, approver_of(element_id))
    w.complete(instance, "Task_HoldDemo", "presales", {"demo_report": "客户要求换人讲解", "team_change": True})
    w.complete(instance, "Task_PrepareDemo", "presales", DEMO)
    for element_id in DEMO_CHAIN:
        w.approve(instance, element_id, approver_of(element_id))
    w.complete(instance, "Task_HoldDemo", "presales", {"demo_report": "演示顺利"})
    w.complete(instance, "Task_PrepareBid", REP, BID)
    w.complete(instance, "Task_BidOutcome", REP, {"outcome": "won", "outcome_reason": "技术分第一",
                                                  "costs": [{"item": "差旅费", "amount": 3200}]})
    w.complete(instance, "Task_UpdateKnowledge", "presales", KNOWLEDGE)
