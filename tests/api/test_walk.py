"""Both flows of [engine], walked to the end through HTTP alone."""
import io

from tests.support.samples import APPROVE, CONTRACT, EVALUATION, PROSPECT, RECHECK, TERMS, TRIP


def _complete(user, instance_id, element_id, data):
    task = user.ready_task(instance_id, element_id)
    return user.ok("post", f"/tasks/{task['id']}/complete", json={"data": data})


def test_travel_request_from_start_to_approval(api):
    rep, manager, director = api("rep_east1"), api("rm_east"), api("director")
    instance = rep.start("travel_request", TRIP, business_key="TR-2026-001")
    assert instance["status"] == "running" and instance["started_by"] == "rep_east1"
    assert instance["business_key"] == "TR-2026-001" and instance["version"] == 1

    inbox = manager.ok("get", "/tasks")
    task = next(t for t in inbox if t["instance_id"] == instance["id"])
    assert (task["element_id"], task["assignee"], task["role"]) == ("Task_ManagerApproval", "rm_east", "@manager_of_requester")
    detail = manager.ok("get", f"/tasks/{task['id']}")
    assert detail["form"]["title"] == "审批" and detail["context"]["destination"] == "上海"
    after = manager.ok("post", f"/tasks/{task['id']}/complete", json={"data": APPROVE})
    assert [t["element_id"] for t in after["tasks"] if t["status"] == "ready"] == ["Task_DepartmentHeadApproval"]

    done = _complete(director, instance["id"], "Task_DepartmentHeadApproval", APPROVE)
    assert done["status"] == "completed" and done["ended_at"] is not None
    assert done["data"]["decision"] == "approve"

    kinds = [e["kind"] for e in rep.ok("get", f"/process-instances/{instance['id']}/history")["events"]]
    assert kinds[0] == "instance_started" and kinds[-1] == "instance_completed"
    assert kinds.count("task_completed") == 2


def test_dealer_onboarding_creates_the_customer(api):
    rep, manager, director = api("rep_east2"), api("rm_east"), api("director")
    instance = rep.start("dealer_onboarding", PROSPECT)
    _complete(rep, instance["id"], "Task_FillEvaluation", EVALUATION)
    _complete(manager, instance["id"], "Task_RegionalManagerReview", RECHECK)

    task = director.ready_task(instance["id"], "Task_DirectorApproval")
    assert task["role"] == "sales_director" and task["assignee"] is None
    claimed = director.ok("post", f"/tasks/{task['id']}/claim")
    assert claimed["assignee"] == "director"
    assert task["id"] in [t["id"] for t in director.ok("get", "/tasks?scope=mine")]
    director.ok("post", f"/tasks/{task['id']}/complete", json={"data": TERMS})

    upload = rep.post("/attachments", data={"file": (io.BytesIO(b"%PDF-1.4 signed contract"), "合同.pdf", "application/pdf")},
                      content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    done = _complete(rep, instance["id"], "Task_SignContract", {**CONTRACT, "contract_file": upload.get_json()})
    assert done["status"] == "completed", done.get("error")
    code = done["data"]["customer_result"]["customer_code"]
    options = rep.ok("get", f"/lookups/customer?q={code}")
    assert options == [{"value": code, "label": f"{PROSPECT['company_name']} ({code})", "name": PROSPECT["company_name"]}]
