"""POST /tasks/{id}/reassign: a process administrator unsticks a task, with a
reason that lands in the audit log; nobody else may, and the target obeys
the same rules as a delegate."""
import pytest

from app.extensions import db
from app.models import AuditEvent, HumanTask

from tests.support.samples import APPROVE
from tests.support.api_client import error_of

REASON = "审批人长期出差，改由总监助理审批"


@pytest.fixture
def stuck(api, trip):
    """rm_east's approval, parked with the auditor as an older build allowed:
    nobody could complete, release or take it back."""
    task = db.session.get(HumanTask, api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")["id"])
    task.assignee_id = _user_id("auditor")
    task.delegation_chain = [_user_id("rm_east"), _user_id("auditor")]
    db.session.commit()
    return task.id


def _user_id(username):
    from app.services.accounts import find_user

    return find_user(username).id


def test_a_process_admin_unsticks_a_task_and_the_reason_is_recorded(api, trip, stuck):
    error_of(api("auditor").post(f"/tasks/{stuck}/complete", json={"data": APPROVE}), 403, "read_only")
    moved = api("process_admin").ok("post", f"/tasks/{stuck}/reassign", json={"to": "assistant", "reason": REASON})
    assert (moved["assignee"], moved["delegated_from"]) == ("assistant", None)
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.kind == "task_reassigned"))
    assert event.actor == "process_admin" and event.data["reason"] == REASON and event.data["to"] == "assistant"
    assert event.data["former"] == {"assignee": "auditor", "delegated_from": None, "chain": ["rm_east", "auditor"]}
    done = api("assistant").ok("post", f"/tasks/{stuck}/complete", json={"data": APPROVE})
    approval = next(t for t in done["tasks"] if t["id"] == stuck)
    assert (approval["completed_by"], approval["on_behalf_of"]) == ("assistant", None)


def test_only_a_process_admin_reassigns(api, trip):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    body = {"to": "assistant", "reason": REASON}
    for who, code in (("rm_east", "forbidden"), ("director", "forbidden"), ("rep_east1", "forbidden"),
                      ("auditor", "read_only"), ("portal", "forbidden")):
        error_of(api(who).post(f"/tasks/{task['id']}/reassign", json=body), 403, code)
    assert api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")["assignee"] == "rm_east"


@pytest.mark.parametrize("body, field", [
    ({"to": "assistant"}, "reason"), ({"to": "assistant", "reason": ""}, "reason"),
    ({"to": "assistant", "reason": "   "}, "reason"), ({"reason": REASON}, "to"),
    ({"to": "nobody", "reason": REASON}, "to"), ({"to": "portal", "reason": REASON}, "to"),
    ({"to": "auditor", "reason": REASON}, "to"), ({"to": 7, "reason": REASON}, "to"),
])
def test_a_reassignment_needs_a_reason_and_a_person_who_can_hold_the_task(api, trip, body, field):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    refused = error_of(api("process_admin").post(f"/tasks/{task['id']}/reassign", json=body), 422)
    assert field in refused["details"]["fields"]


def test_the_target_obeys_segregation_of_duties(api, trip):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    refused = error_of(api("process_admin").post(f"/tasks/{task['id']}/reassign",
                                                 json={"to": "rep_east1", "reason": REASON}), 403, "segregation_of_duties")
    assert "to" in refused["details"]["fields"]
    error_of(api("process_admin").post("/tasks/999999/reassign", json={"to": "assistant", "reason": REASON}), 404)


def test_a_completed_task_is_not_reassigned(api, trip):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    api("rm_east").ok("post", f"/tasks/{task['id']}/complete", json={"data": APPROVE})
    error_of(api("process_admin").post(f"/tasks/{task['id']}/reassign", json={"to": "assistant", "reason": REASON}),
             409, "task_not_ready")


def test_the_answer_names_the_new_holder_not_the_one_read_before(api, trip, stuck):
    """The session keeps what a commit wrote loaded (app/extensions.py; the
    test harness too): a holder read before the change must not be the one
    the answer names."""
    moved = api("process_admin").ok("post", f"/tasks/{stuck}/reassign", json={"to": "assistant", "reason": REASON})
    assert (moved["assignee"], moved["delegated_from"]) == ("assistant", None)
    handed = api("assistant").ok("post", f"/tasks/{stuck}/delegate", json={"to": "rm_north"})
    assert (handed["assignee"], handed["delegated_from"]) == ("rm_north", "assistant")
