"""The hash chain: what it records, and that tampering is found."""
from sqlalchemy import select, text, update

from app.audit.verify import verify_chain
from app.extensions import db
from app.models import AuditEvent
from app.services.deployment import REPO_ROOT

TRIP = {"purpose": "培训", "reason": "客户提出现场需求", "destination": "北京", "start_date": "2026-12-01", "end_date": "2026-12-02",
        "transport": "火车", "estimated_cost": 900}


def _walk(flow):
    instance = flow.start("travel_request", TRIP, "rep_north1")
    flow.reject(instance, "Task_ManagerApproval", "rm_north", "日期冲突")
    flow.complete(instance, "Task_ReviseRequest", "rep_north1", {**TRIP, "action": "resubmit"})
    flow.approve(instance, "Task_ManagerApproval", "rm_north")
    flow.approve(instance, "Task_DepartmentHeadApproval", "director")
    return instance


def _events(instance):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.seq)))


def test_every_input_is_recorded_in_order(flow):
    instance = _walk(flow)
    kinds = [event.kind for event in _events(instance)]
    assert kinds == ["instance_started", "service_call", "task_ready", "task_completed", "task_ready", "task_completed", "task_ready",
                     "task_completed", "task_ready", "task_completed", "instance_completed"]
    started, completed = _events(instance)[0], _events(instance)[3]
    assert started.data["data"]["requester"]["username"] == "rep_north1"
    assert completed.data == {"decision": "reject", "comment": "日期冲突"} and completed.actor == "rm_north"
    assert verify_chain(f"instance:{instance.id}").ok


def test_deploys_have_their_own_chain(flow):
    verdict = verify_chain("definition:travel_request")
    assert verdict.ok and verdict.events == 1


def _tamper(sql, **params):
    db.session.execute(text(sql), params)
    db.session.commit()
    db.session.expire_all()


def test_edited_event_is_found(flow):
    instance = _walk(flow)
    victim = _events(instance)[2]
    db.session.execute(update(AuditEvent).where(AuditEvent.id == victim.id).values(data={"decision": "approve"}))
    db.session.commit()
    verdict = verify_chain(f"instance:{instance.id}")
    assert not verdict.ok and verdict.first_bad_seq == 3 and "edited" in verdict.reason


def test_deleted_event_is_found(flow):
    instance = _walk(flow)
    _tamper("DELETE FROM audit_event WHERE id = :id", id=_events(instance)[4].id)
    verdict = verify_chain(f"instance:{instance.id}")
    assert not verdict.ok and verdict.first_bad_seq == 6


def test_deleted_last_event_is_found(flow):
    instance = _walk(flow)
    _tamper("DELETE FROM audit_event WHERE id = :id", id=_events(instance)[-1].id)
    verdict = verify_chain(f"instance:{instance.id}")
    assert not verdict.ok and "removed" in verdict.reason


def test_reordered_events_are_found(flow):
    instance = _walk(flow)
    (first, first_seq), (second, second_seq) = [(e.id, e.seq) for e in _events(instance)[3:5]]
    _tamper("UPDATE audit_event SET seq = -1 WHERE id = :id", id=first)
    _tamper("UPDATE audit_event SET seq = :seq WHERE id = :id", seq=first_seq, id=second)
    _tamper("UPDATE audit_event SET seq = :seq WHERE id = :id", seq=second_seq, id=first)
    verdict = verify_chain(f"instance:{instance.id}")
    assert not verdict.ok and verdict.first_bad_seq == 4


def test_cli_verify(flow, cli):
    instance = _walk(flow)
    ok = cli.invoke(args=["audit", "verify", str(instance.id)])
    assert ok.exit_code == 0 and "OK: 1 chain(s) intact." in ok.output
    deployed = len(list((REPO_ROOT / "processes").glob("*.bpmn")))  # one chain per deployed definition
    assert f"OK: {deployed + 1} chain(s)" in cli.invoke(args=["audit", "verify", "--all"]).output
    _tamper("UPDATE audit_event SET actor = 'mallory' WHERE instance_id = :id AND seq = 3", id=instance.id)
    broken = cli.invoke(args=["audit", "verify", "--all"])
    assert broken.exit_code == 1 and f"BROKEN instance:{instance.id} at event 3" in broken.output
