"""F21 presales proposal's pages worked in chromium: the rep opens an
opportunity from the start page (Chinese); the consultant plans the
research in English; the project manager reads the plan and the project
file and rejects it; the consultant reads why; the rest of the flow is
driven to a won bid, and the rep finds the notice to start the contract.
Pictures go to test-artifacts/presales/."""
from sqlalchemy import select

from tests.support.flow_driver import ready_task_id
from tests.support.presales import BID, DEMO, DEMO_CHAIN, KNOWLEDGE, PLAN, PROPOSAL, PROPOSAL_CHAIN, RESEARCH, approver_of
from tests.web.browser_driving import browser, live_app, live_server, person, world  # noqa: F401  (fixtures)
from tests.web.browser_driving import labelled, lookup, shot, shown, sign_in, submit

FOLDER = "presales"


def test_an_opportunity_is_opened_planned_sent_back_and_won(world, person, live_server, browser):
    from app.extensions import db
    from app.models import PresalesProject, ProcessInstance

    rep = person("rep_east1")
    rep.goto(f"{live_server}/start/presales_proposal")
    code = lookup(rep, "客户", "浙江泵阀")
    labelled(rep, "项目名称").fill("浙江泵阀ERP一期")
    labelled(rep, "投标截止日期").fill("2026-12-20")
    labelled(rep, "项目范围").fill("生产、财务、销售三模块，50用户")
    labelled(rep, "预计合同金额（元）").fill("300000")
    shot(rep, FOLDER, "01-rep-opens-the-opportunity-zh")
    with rep.expect_navigation():
        rep.get_by_role("button", name="提交申请", exact=True).click()
    db.session.commit()
    instance = db.session.scalar(select(ProcessInstance).where(ProcessInstance.process_key == "presales_proposal"))
    assert instance is not None, rep.locator(".error:visible, .flash").all_inner_texts()
    number = instance.data["opportunity"]["opportunity_no"]
    assert instance.data["opportunity"]["customer"] == code

    consultant = sign_in(browser, live_server, "presales", language="en")
    consultant.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_ResearchPlan')}")
    assert "Plan the research" in consultant.locator("h1").inner_text()
    assert number in shown(consultant, "opportunity")
    for label, key in (("Research plan", "research_plan"), ("Task breakdown", "task_breakdown"),
                       ("Units to research", "units"), ("Research team", "team"), ("Itinerary", "itinerary")):
        labelled(consultant, label).fill(PLAN[key])
    shot(consultant, FOLDER, "02-consultant-plans-the-research-en")
    consultant.context.close()
    world.complete(instance, "Task_ResearchPlan", "presales", PLAN)  # (the English page's submit is the forms' test)

    manager = person("project_mgr")
    manager.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_PlanApproval')}")
    assert PLAN["itinerary"] in shown(manager, "itinerary") and number in shown(manager, "opportunity")
    labelled(manager, "审批说明").fill("行程太紧，请延长到两周")
    shot(manager, FOLDER, "03-project-manager-rejects-the-plan-zh")
    submit(manager, live_server, "驳回", "项目经理审批调研规划")

    db.session.commit()
    again = person("presales")
    again.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_ResearchPlan')}")
    assert "行程太紧" in again.inner_text("main")
    shot(again, FOLDER, "04-consultant-reads-why-zh")

    world.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    world.approve(instance, "Task_PlanApproval", "project_mgr")
    world.complete(instance, "Task_Research", "presales", RESEARCH)
    world.approve(instance, "Task_ReportApproval", "consulting_mgr")
    for write, form, chain in (("Task_WriteProposal", PROPOSAL, PROPOSAL_CHAIN), ("Task_PrepareDemo", DEMO, DEMO_CHAIN)):
        world.complete(instance, write, "presales", form)
        for element_id in chain[:4]:
            world.approve(instance, element_id, approver_of(element_id))
    world.complete(instance, "Task_HoldDemo", "presales", {"demo_report": "演示顺利"})
    world.complete(instance, "Task_PrepareBid", "rep_east1", BID)
    world.complete(instance, "Task_BidOutcome", "rep_east1", {"outcome": "won", "costs": [{"item": "差旅费", "amount": 800}]})
    world.complete(instance, "Task_UpdateKnowledge", "presales", KNOWLEDGE)
    db.session.commit()
    assert db.session.scalar(select(PresalesProject.status)) == "won"

    rep.goto(f"{live_server}/notifications")
    text = rep.inner_text("main")
    assert number in text and code in text and "contract_shipment" in text
    shot(rep, FOLDER, "05-rep-told-to-start-the-contract-zh")
    assert person.errors == []
