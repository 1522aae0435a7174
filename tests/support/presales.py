"""Shared steps of the F21 presales proposal flow tests: an opportunity of
the 华东 dealer served by rep_east1, and the forms each step submits."""
from sqlalchemy import select

from app.extensions import db
from app.models import Customer

DEALER = "浙江泵阀总经销有限公司"  # 华东, rep_east1
REP = "rep_east1"
SMALL, LARGE = 300000, 1200000  # within the director's authority / the group leader reviews too

PLAN = {"research_plan": "三周内完成生产、财务、销售三个部门调研", "task_breakdown": "生产：苏；财务：陆；销售：苏",
        "units": "生产部、财务部、销售部", "team": "售前顾问苏、实施顾问陆", "itinerary": "12月3日至12月10日杭州"}
RESEARCH = {"unit_reports": [{"unit": "生产部", "questionnaire": "排产与领料问卷20份", "daily_report": "12月3日：排产靠手工"},
                             {"unit": "财务部", "questionnaire": "应收与成本问卷10份", "daily_report": "12月4日：月结需五天"}],
            "research_report": "客户需要排产、成本核算与应收管理一体化"}
PROPOSAL = {"proposal_team": "苏负责方案、陆负责实施评估", "requirements": "排产、成本、应收", "validation": "与客户三部门确认",
            "budget": 20000, "proposal_text": "以生产制造与财务一体化为核心的实施方案"}
DEMO = {"demo_team": "苏、陆", "demo_data": "客户十一月真实订单样本", "simulated_flow": "订单→排产→出库→开票→回款"}
BID = {"bid_team": "销售代表、售前顾问苏", "rehearsal": "12月12日内部演练", "rules_contingencies": "断网时用本地演示环境"}
KNOWLEDGE = {"industry": "泵阀制造：多品种小批量", "software": "客户现用进销存单机版", "competitors": "两家本地ERP厂商",
             "bid_rules": "技术分占六成"}
PROPOSAL_CHAIN = ["Task_ProposalFeasibility", "Task_ProposalPMApproval", "Task_ProposalCMApproval",
                  "Task_ProposalDirectorApproval", "Task_ProposalGMApproval"]
DEMO_CHAIN = ["Task_DemoFeasibility", "Task_DemoPMApproval", "Task_DemoCMApproval", "Task_DemoDirectorApproval",
              "Task_DemoGMApproval"]
APPROVER = {"Feasibility": "implementer", "PMApproval": "project_mgr", "CMApproval": "consulting_mgr",
            "DirectorApproval": "director", "GMApproval": "gm"}


def approver_of(element_id):
    return next(person for suffix, person in APPROVER.items() if element_id.endswith(suffix))


def dealer_code():
    return db.session.scalar(select(Customer.code).where(Customer.name == DEALER))


def opportunity(value=SMALL, **overrides):
    return {"customer": dealer_code(), "project": "浙江泵阀ERP一期", "bid_deadline": "2026-12-20",
            "scope": "生产、财务、销售三模块，50用户", "estimated_value": value, **overrides}


def researched(sales, instance):
    """The plan approved and recorded, the research reported and archived."""
    sales.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    sales.approve(instance, "Task_PlanApproval", "project_mgr")
    sales.complete(instance, "Task_Research", "presales", RESEARCH)
    sales.approve(instance, "Task_ReportApproval", "consulting_mgr")


def through_chain(sales, instance, chain):
    """Approve each step of ``chain`` that comes up, by its role's demo person."""
    for element_id in chain:
        if element_id in sales.ready_elements(instance):
            sales.approve(instance, element_id, approver_of(element_id))


def to_bid(sales, instance):
    """From the research to the held demo: the bid is next."""
    researched(sales, instance)
    sales.complete(instance, "Task_WriteProposal", "presales", PROPOSAL)
    through_chain(sales, instance, PROPOSAL_CHAIN)
    sales.complete(instance, "Task_PrepareDemo", "presales", DEMO)
    through_chain(sales, instance, DEMO_CHAIN)
    sales.complete(instance, "Task_HoldDemo", "presales", {"demo_report": "客户对排产演示满意"})


def finish(sales, instance, outcome="won", costs=()):
    sales.complete(instance, "Task_PrepareBid", REP, BID)
    sales.complete(instance, "Task_BidOutcome", REP, {"outcome": outcome, "outcome_reason": "技术分第一",
                                                      "costs": [{"item": i, "amount": a} for i, a in costs]})
    sales.complete(instance, "Task_UpdateKnowledge", "presales", KNOWLEDGE)
