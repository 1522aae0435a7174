"""F21 presales_proposal through the API: bad input at the start is a 422
naming the field (never a 500), a forged field is refused by name, a role
the diagram does not name gets 403, the rep cannot approve their own
request, and the consultant's and reviewers' steps go through."""
from app.extensions import db
from tests.support.api_client import error_of
from tests.support.presales import PLAN, REP, opportunity


def test_the_api_refuses_bad_and_forged_input_by_name(api, sales):
    rep = api(REP)
    for bad, field in (({**opportunity(), "estimated_value": "lots"}, "estimated_value"),
                       ({**opportunity(), "bid_deadline": "20.12.2026"}, "bid_deadline"),
                       ({key: value for key, value in opportunity().items() if key != "scope"}, "scope"),
                       ({**opportunity(), "opportunity_no": "PS202612-0001"}, "opportunity_no")):
        refused = error_of(rep.post("/process-instances", json={"process_key": "presales_proposal", "data": bad}), 422)
        assert field in refused["details"]["fields"], (field, refused)
    error_of(api("presales").post("/process-instances", json={"process_key": "presales_proposal",
                                                              "data": opportunity()}), 403)


def test_the_steps_go_through_the_api_and_the_rep_cannot_approve(api, sales):
    from app.models import User
    from app.services.access_history import set_roles

    set_roles(db.session.scalar(db.select(User).where(User.username == REP)), ["sales_rep", "project_manager"],
              by="process_admin", reason="acting project manager")
    db.session.commit()
    started = api(REP).start("presales_proposal", opportunity())
    consultant = api("presales")
    task = consultant.ready_task(started["id"], "Task_ResearchPlan")
    consultant.ok("post", f"/tasks/{task['id']}/complete", json={"data": PLAN})
    approval = api("project_mgr").ready_task(started["id"], "Task_PlanApproval")
    forged = {"decision": "approve", "plan_version": {"approvals": [{"step": "Task_PlanApproval", "approver": "gm"}]}}
    assert "plan_version" in error_of(api("project_mgr").post(f"/tasks/{approval['id']}/complete",
                                                              json={"data": forged}), 422)["details"]["fields"]
    error_of(api(REP).post(f"/tasks/{approval['id']}/complete", json={"data": {"decision": "approve"}}), 403)
    api("project_mgr").ok("post", f"/tasks/{approval['id']}/complete", json={"data": {"decision": "approve"}})
    assert consultant.ready_task(started["id"], "Task_Research")
