"""Re-execution catches what the hash chain alone cannot: a history
rewritten consistently (every hash recomputed, the head moved) whose inputs
no longer give the stored state, and a stored state changed behind the
history's back. Readers only."""
from sqlalchemy import select, update

from app.audit.chain import event_hash
from app.audit.verify import instance_chain, verify_chain
from app.extensions import db
from app.models import AuditEvent, ProcessInstance
from app.services import replay
from tests.support.logins import WebUser

TRIP = {"purpose": "拜访华东客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-01",
        "end_date": "2026-12-03", "transport": "火车", "estimated_cost": 2500}


def _approved_trip(flow):
    instance = flow.start("travel_request", TRIP, "rep_east1")
    flow.approve(instance, "Task_ManagerApproval", "rm_east")
    flow.approve(instance, "Task_DepartmentHeadApproval", "director")
    return instance


def _rewrite(instance, seq, **changes):
    """Change event ``seq`` and re-hash the chain from there, head included,
    as someone who can write the database would."""
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id)
                                     .order_by(AuditEvent.seq)))
    prev = ""
    for event in events:
        if event.seq == seq:
            for name, value in changes.items():
                setattr(event, name, value)
        fields = {name: getattr(event, name) for name in ("chain", "seq", "at", "kind", "element_id", "task_id",
                                                          "actor", "on_behalf_of", "data")}
        digest = event_hash(prev, fields)
        db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id)
                           .values(prev_hash=prev, hash=digest, data=event.data))
        prev = digest
    db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id).values(audit_head=prev))
    db.session.expire_all()


def _seq_of(instance, kind, element_id):
    return db.session.scalar(select(AuditEvent.seq).where(
        AuditEvent.instance_id == instance.id, AuditEvent.kind == kind, AuditEvent.element_id == element_id))


def test_an_untouched_history_is_verified(flow):
    instance = _approved_trip(flow)
    verdict = replay.reexecute(instance.id)
    assert (verdict.status, verdict.seq, verdict.difference) == ("VERIFIED", None, None)
    assert verdict.events == instance.audit_seq


def test_a_consistently_rewritten_decision_diverges_at_that_event(flow):
    instance = _approved_trip(flow)
    seq = _seq_of(instance, "task_completed", "Task_ManagerApproval")
    _rewrite(instance, seq, data={"decision": "reject", "comment": "同意"})
    assert verify_chain(instance_chain(instance.id)).ok  # the chain alone is fooled
    verdict = replay.reexecute(instance.id)
    assert (verdict.status, verdict.seq) == ("DIVERGED", seq), verdict
    assert "Task_DepartmentHeadApproval" in str(verdict.expected) and verdict.actual != verdict.expected


def test_a_changed_instance_data_diverges(flow):
    instance = _approved_trip(flow)
    db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                       .values(data={**instance.data, "estimated_cost": 250}))
    db.session.expire_all()
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "DIVERGED" and verdict.seq == instance.audit_seq
    assert verdict.expected == {"estimated_cost": 250} and verdict.actual == {"estimated_cost": 2500}


def test_a_changed_service_result_diverges(flow, sales):
    """A recorded result is what the engine is served: rewrite one and the
    path or the data that follow from it no longer match what is stored."""
    instance = _approved_trip(flow)
    calls = list(db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                             AuditEvent.kind == "service_call")))
    if not calls:
        return  # the travel request posts nothing: covered by the flows' own re-execution
    _rewrite(instance, calls[-1].seq, data={**calls[-1].data, "result": {"forged": True}})
    assert replay.reexecute(instance.id).status == "DIVERGED"


def test_an_unknown_event_kind_is_not_re_executable(flow):
    instance = _approved_trip(flow)
    seq = _seq_of(instance, "task_completed", "Task_ManagerApproval")
    _rewrite(instance, seq, kind="data_patched")
    verdict = replay.reexecute(instance.id)
    assert (verdict.status, verdict.seq) == ("NOT_REEXECUTABLE", seq)


def test_snapshots_follow_the_trip_step_by_step(flow):
    instance = _approved_trip(flow)
    shots = replay.snapshots(instance.id)
    assert [shot.seq for shot in shots] == list(range(1, instance.audit_seq + 1))
    manager = next(shot for shot in shots if shot.kind == "task_completed")
    assert manager.element_id == "Task_ManagerApproval" and manager.event_data["decision"] == "approve"
    assert "Task_ManagerApproval" in manager.path and "Task_ManagerApproval" not in manager.active
    ready = next(shot for shot in shots if shot.kind == "task_ready" and shot.seq > manager.seq)
    assert ready.active == ("Task_DepartmentHeadApproval",)
    assert shots[-1].active == () and shots[-1].path[-1].startswith("EndEvent")
    assert shots[-1].data["decision"] == "approve" and shots[-1].to_json()["at"] == shots[-1].at.isoformat()
    paths = [shot.path for shot in shots]
    assert all(later[:len(earlier)] == earlier for earlier, later in zip(paths, paths[1:]))  # the path only grows


def test_the_api_answers_auditors_and_refuses_a_sales_rep(flow, client):
    instance = _approved_trip(flow)
    url = f"/api/v1/audit/instances/{instance.id}/reexecution"
    for username, status in (("auditor", 200), ("process_admin", 200), ("rep_east1", 403)):
        token = client.post("/api/v1/auth/token", json={"username": username, "password": "lanes-demo"}).get_json()["token"]
        response = client.post(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == status, (username, response.get_json())
        if status == 200:
            assert response.get_json()["status"] == "VERIFIED"
        else:
            assert response.get_json()["error"]["code"] == "not_a_reader"
    token = client.post("/api/v1/auth/token", json={"username": "auditor", "password": "lanes-demo"}).get_json()["token"]
    assert client.post("/api/v1/audit/instances/999999/reexecution",
                       headers={"Authorization": f"Bearer {token}"}).status_code == 404
    # the opening is for this one reading POST only: the auditor still may not cancel
    assert client.post(f"/api/v1/process-instances/{instance.id}/cancel", json={},
                       headers={"Authorization": f"Bearer {token}"}).status_code == 403


def test_the_web_button_answers_json_a_fragment_or_a_page(app, flow):
    instance = _approved_trip(flow)
    url = f"/audit/instances/{instance.id}/reexecute"
    auditor = WebUser(app, "auditor")
    assert auditor.post(url, headers={"Accept": "application/json"}).get_json()["status"] == "VERIFIED"
    fragment = auditor.post(url + "?partial=1").get_data(as_text=True)
    assert 'data-status="VERIFIED"' in fragment and "<html" not in fragment and "已验证" in fragment
    page = auditor.post(url)
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    rep = WebUser(app, "rep_east1")
    assert rep.post(url).status_code == 403
    assert rep.post(url, headers={"Accept": "application/json"}).status_code == 403
