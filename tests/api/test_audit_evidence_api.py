"""GET /audit/instances/{id}/evidence for auditors and process admins, and
history events that name a human task by the id GET /tasks/{id} takes."""
from app.audit.evidence_check import verify_instance_evidence
from app.services import checkpoints
from tests.support.api_client import PREFIX, error_of, signed_in

TRIP = {"purpose": "培训", "reason": "客户提出现场需求", "destination": "北京", "start_date": "2026-12-01", "end_date": "2026-12-02",
        "transport": "火车", "estimated_cost": 900}


def _trip(flow):
    instance = flow.start("travel_request", TRIP, "rep_north1")
    flow.reject(instance, "Task_ManagerApproval", "rm_north", "日期冲突")
    flow.complete(instance, "Task_ReviseRequest", "rep_north1", {**TRIP, "action": "resubmit"})
    return instance


def test_evidence_for_auditors_and_process_admins_only(client, flow):
    instance = _trip(flow)
    url = f"/audit/instances/{instance.id}/evidence"
    error_of(signed_in(client, "rep_north1").get(url), 403, "forbidden")
    assert signed_in(client, "rep_north1").post(url).status_code in (403, 405)
    pack = signed_in(client, "auditor").ok("get", url)
    assert pack["checkpoint"] is None and pack["proof"] is None
    made = checkpoints.make_checkpoint(None)
    pack = signed_in(client, "process_admin").ok("get", url)
    assert pack["checkpoint"]["root"] == made.root
    assert verify_instance_evidence(pack, made.public_key).ok
    error_of(signed_in(client, "auditor").get("/audit/instances/2147483647/evidence"), 404)


def test_every_task_event_names_the_task_the_api_serves(client, flow):
    instance = _trip(flow)
    rm = signed_in(client, "rm_north")
    events = rm.ok("get", f"/process-instances/{instance.id}/history")["events"]
    about_tasks = [e for e in events if e["kind"] in ("task_ready", "task_completed")]
    assert about_tasks and all(e["task_api_id"] for e in about_tasks)
    assert all(e["task_api_id"] is None for e in events if e["task_id"] is None)
    for event in about_tasks:
        task = rm.ok("get", f"/tasks/{event['task_api_id']}")
        assert task["element_id"] == event["element_id"]
    # the manager's approval was made ready twice (rejected, revised): each visit names its own task
    visits = [e["task_api_id"] for e in events if e["kind"] == "task_ready" and e["element_id"] == "Task_ManagerApproval"]
    assert len(visits) == 2 and visits[0] != visits[1]
    completed = next(e for e in events if e["kind"] == "task_completed" and e["element_id"] == "Task_ManagerApproval")
    assert completed["task_api_id"] == visits[0]


def test_the_pack_lists_the_files_the_history_refers_to_with_their_sha256(api):
    import hashlib
    import io

    from tests.api.test_attachments import FORMS, WEB_DIAGRAMS
    from app.services import deployment

    deployment.deploy(deployment.files_from_paths(
        [WEB_DIAGRAMS / "web_probe.bpmn", WEB_DIAGRAMS / "web_probe_start.json", FORMS / "approval.json"]))
    rep, content = api("rep_east1"), b"%PDF-1.4 the signed contract"
    ref = rep.post("/attachments", data={"file": (io.BytesIO(content), "合同.pdf", "application/pdf")},
                   content_type="multipart/form-data").get_json()
    instance = rep.start("web_probe", {"subject": "合同", "lines": [{"item": "水泵", "qty": 1, "unit_price": 980}],
                                       "receipt": ref})
    pack = api("auditor").ok("get", f"/audit/instances/{instance['id']}/evidence")
    assert pack["attachments"] == [{"name": "合同.pdf", "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
                                    "type": "application/pdf", "first_seen_at_event": 1, "stored": True}]
