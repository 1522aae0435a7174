"""Refused segregation-of-duties attempts are kept: the refused command
rolls back, the attempt is recorded afterwards in its own unit of work
(``sod_refusal`` and the ``controls`` chain)."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, HumanTask, SodRefusal
from tests.support.api_client import error_of
from tests.support.samples import EVALUATION, PROSPECT, RECHECK, TERMS


@pytest.fixture
def own_request(api, create_user):
    """A dealer onboarding started by ``selfie`` (a rep who also holds the
    sales director's role), now at the director's approval."""
    create_user("selfie", roles=["sales_rep", "sales_director"], display_name="自批", manager="rm_east",
                region="华东大区")
    rep, manager = api("selfie", password="correct-horse"), api("rm_east")
    instance = rep.start("dealer_onboarding", PROSPECT)
    rep.ok("post", f"/tasks/{rep.ready_task(instance['id'], 'Task_FillEvaluation')['id']}/complete",
           json={"data": EVALUATION})
    manager.ok("post", f"/tasks/{manager.ready_task(instance['id'], 'Task_RegionalManagerReview')['id']}/complete",
               json={"data": RECHECK})
    task = api("director").ready_task(instance["id"], "Task_DirectorApproval")
    return instance, task, rep


def test_a_requester_approving_his_own_request_through_the_api_is_refused_and_recorded(own_request):
    instance, task, rep = own_request
    assert db.session.scalars(select(SodRefusal)).all() == []
    error_of(rep.post(f"/tasks/{task['id']}/complete", json={"data": TERMS}), 403, "segregation_of_duties")
    error_of(rep.post(f"/tasks/{task['id']}/claim"), 403, "segregation_of_duties")
    rows = db.session.scalars(select(SodRefusal).order_by(SodRefusal.id)).all()
    assert [(r.action, r.actor, r.reason, r.instance_id, r.task_id, r.element_id) for r in rows] == [
        ("complete", "selfie", "requester", instance["id"], task["id"], "Task_DirectorApproval"),
        ("claim", "selfie", "requester", instance["id"], task["id"], "Task_DirectorApproval")]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.chain == "controls").order_by(AuditEvent.seq)).all()
    assert [(e.kind, e.actor, e.data["action"], e.data["instance_id"]) for e in events] == [
        ("sod_refused", "selfie", "complete", instance["id"]), ("sod_refused", "selfie", "claim", instance["id"])]
    assert events[1].prev_hash == events[0].hash
    # the refused command itself changed nothing
    assert db.session.get(HumanTask, task["id"]).assignee_id is None


def test_a_refusal_that_is_not_about_segregation_is_not_recorded(api, own_request):
    _instance, task, _rep = own_request
    error_of(api("rep_north1").post(f"/tasks/{task['id']}/complete", json={"data": TERMS}), 403, "forbidden")
    assert db.session.scalars(select(SodRefusal)).all() == []
